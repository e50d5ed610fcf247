/**
 * Finishing an attempt, its per-question review, and reproducing its figures from the stored
 * responses alone (each response keeps the item, its difficulty then, and the estimate after it).
 */
import { difficultyToLogit, estimateAbility } from "@sira/algorithms";
import type { QuizResult } from "@sira/contracts";
import type { Prisma, Tx } from "@sira/infra/db";
import { type AttemptRow, sourceOfItem } from "./views.ts";

/** Percentage of correct answers, to two decimals (0 when nothing was answered). */
export function scoreOf(correct: number, answered: number): number {
  return answered === 0 ? 0 : Math.round((correct / answered) * 10_000) / 100;
}

/**
 * Marks the attempt submitted with its score, once: returns the updated attempt and whether this
 * call did it (false when it was already submitted).
 */
export async function finishAttempt(
  tx: Tx,
  attempt: AttemptRow,
  at: Date,
  extra: Prisma.QuizAttemptUpdateManyMutationInput = {},
): Promise<{ attempt: AttemptRow; finishedNow: boolean }> {
  const { count } = await tx.quizAttempt.updateMany({
    where: { id: attempt.id, status: "in_progress" },
    data: {
      status: "submitted",
      submittedAt: at,
      score: scoreOf(attempt.correctCount, attempt.itemCount),
      currentItemId: null,
      ...extra,
    },
  });
  const row = await tx.quizAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
  return { attempt: row, finishedNow: count === 1 };
}

/** Every answered question of an attempt with its answer key, explanation and source, in order. */
export async function attemptReview(db: Tx, attemptId: string): Promise<QuizResult["review"]> {
  const responses = await db.quizAttemptResponse.findMany({
    where: { attemptId },
    orderBy: { position: "asc" },
    include: {
      item: {
        select: { stem: true, options: true, correctOption: true, explanation: true, sourcesCited: true },
      },
    },
  });
  return responses.map((r) => ({
    item_id: r.itemId,
    position: r.position,
    stem: r.item.stem,
    options: r.item.options as string[],
    selected_option: r.selectedOption,
    correct_option: r.item.correctOption,
    correct: r.correct,
    explanation: r.item.explanation,
    source: sourceOfItem(r.item.sourcesCited),
    difficulty: r.difficulty,
    theta_after: r.thetaAfter,
    se_after: r.seAfter,
  }));
}

export async function toQuizResult(db: Tx, attempt: AttemptRow): Promise<QuizResult> {
  return {
    attempt_id: attempt.id,
    kind: attempt.kind as QuizResult["kind"],
    score: attempt.score ?? scoreOf(attempt.correctCount, attempt.itemCount),
    theta: attempt.theta,
    se: attempt.se,
    item_count: attempt.itemCount,
    correct_count: attempt.correctCount,
    submitted_at: (attempt.submittedAt ?? attempt.updatedAt).toISOString(),
    review: await attemptReview(db, attempt.id),
  };
}

export interface ReproducedAttempt {
  theta: number;
  se: number | null;
  score: number;
  steps: { itemId: string; difficulty: number; correct: boolean; theta: number; se: number }[];
}

/** Recomputes θ, SE and score of an attempt from its stored responses (audits and disputes). */
export async function reproduceAttempt(db: Tx, attemptId: string): Promise<ReproducedAttempt> {
  const responses = await db.quizAttemptResponse.findMany({
    where: { attemptId },
    orderBy: { position: "asc" },
    select: { itemId: true, difficulty: true, correct: true },
  });
  const steps: ReproducedAttempt["steps"] = [];
  for (let i = 0; i < responses.length; i++) {
    const estimate = estimateAbility(
      responses.slice(0, i + 1).map((r) => ({ b: difficultyToLogit(r.difficulty), correct: r.correct })),
    );
    const r = responses[i] as (typeof responses)[number];
    steps.push({ itemId: r.itemId, difficulty: r.difficulty, correct: r.correct, ...estimate });
  }
  const last = steps.at(-1);
  return {
    theta: last?.theta ?? 0,
    se: last?.se ?? null,
    score: scoreOf(responses.filter((r) => r.correct).length, responses.length),
    steps,
  };
}
