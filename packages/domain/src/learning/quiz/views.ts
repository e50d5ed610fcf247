/** How attempts, questions and reviews leave the domain (questions never carry their answer). */
import type { QuizAttemptView, ServedQuestion, SourceRef } from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";

export const servedItemSelect = {
  id: true,
  stem: true,
  options: true,
  difficulty: true,
  questionType: true,
} satisfies Prisma.QuizItemSelect;

export type ServedItem = Prisma.QuizItemGetPayload<{ select: typeof servedItemSelect }>;

/** The question as the learner sees it: stem and options only. */
export function toServedQuestion(item: ServedItem, position: number): ServedQuestion {
  return {
    id: item.id,
    position,
    stem: item.stem,
    options: item.options as string[],
    difficulty: item.difficulty,
    question_type: item.questionType,
  };
}

export type AttemptRow = Prisma.QuizAttemptGetPayload<object>;

/**
 * A summative test in progress tells nothing of how it goes: the count of right answers and the
 * estimate would give each answer's correctness away (decision 0049), so they wait for submission.
 */
export function withholdsScore(a: Pick<AttemptRow, "kind" | "status">): boolean {
  return a.kind === "summative" && a.status === "in_progress";
}

export function toAttemptView(a: AttemptRow): QuizAttemptView {
  const hidden = withholdsScore(a);
  return {
    id: a.id,
    kind: a.kind as QuizAttemptView["kind"],
    status: a.status as QuizAttemptView["status"],
    language: a.language as QuizAttemptView["language"],
    item_count: a.itemCount,
    correct_count: hidden ? null : a.correctCount,
    max_items: a.maxItems,
    theta: hidden ? null : a.theta,
    se: hidden ? null : a.se,
    started_at: a.startedAt.toISOString(),
    submitted_at: a.submittedAt?.toISOString() ?? null,
  };
}

/** The one source an item cites, if any. */
export function sourceOfItem(sourcesCited: unknown): SourceRef | null {
  return Array.isArray(sourcesCited) && sourcesCited.length > 0 ? (sourcesCited[0] as SourceRef) : null;
}
