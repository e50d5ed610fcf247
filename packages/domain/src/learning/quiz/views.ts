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

export function toAttemptView(a: AttemptRow): QuizAttemptView {
  return {
    id: a.id,
    kind: a.kind as QuizAttemptView["kind"],
    status: a.status as QuizAttemptView["status"],
    language: a.language as QuizAttemptView["language"],
    item_count: a.itemCount,
    correct_count: a.correctCount,
    max_items: a.maxItems,
    theta: a.theta,
    se: a.se,
    started_at: a.startedAt.toISOString(),
    submitted_at: a.submittedAt?.toISOString() ?? null,
  };
}

/** The one source an item cites, if any. */
export function sourceOfItem(sourcesCited: unknown): SourceRef | null {
  return Array.isArray(sourcesCited) && sourcesCited.length > 0 ? (sourcesCited[0] as SourceRef) : null;
}
