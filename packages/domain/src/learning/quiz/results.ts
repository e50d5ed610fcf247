/**
 * Finishing an attempt, its per-question review, and reproducing its figures from the stored
 * responses alone (each response keeps the item, its difficulty then, and the estimate after it).
 */
import { estimateAbility, expectedScore, itemLogit, probabilityCorrect, SCORE_PRIOR } from "@sira/algorithms";
import type { QuizResult } from "@sira/contracts";
import type { Prisma, Tx } from "@sira/infra/db";
import { bankWhere, scopeOfAttempt } from "./engine.ts";
import { type AttemptRow, sourceOfItem } from "./views.ts";

/** Percentage of correct answers, to two decimals (0 when nothing was answered). */
export function scoreOf(correct: number, answered: number): number {
  return answered === 0 ? 0 : Math.round((correct / answered) * 10_000) / 100;
}

const isModuleQuiz = (a: AttemptRow) => a.kind === "formative" || a.kind === "summative";

export interface AttemptScore {
  /** The gate's score: for a module quiz the expected domain score, otherwise the % correct. */
  score: number;
  /** Percentage of correct answers. */
  rawScore: number;
  /** The standard error of `score` in points (delta method), null when not a module quiz. */
  scoreSe: number | null;
}

/**
 * An attempt's score (decision 0049). A module quiz scores the expected domain score: the Rasch
 * expected percentage correct over the module's whole active bank in the attempt's language, at θ
 * estimated from the attempt's responses by EAP under SCORE_PRIOR. Each item counts at its
 * calibrated difficulty when it has one, else at its written level's logit. Other attempts score
 * the percentage correct.
 */
export async function scoreAttempt(db: Tx, attempt: AttemptRow): Promise<AttemptScore> {
  const responses = await db.quizAttemptResponse.findMany({
    where: { attemptId: attempt.id },
    select: { difficulty: true, correct: true, item: { select: { calibratedB: true } } },
  });
  const rawScore = scoreOf(responses.filter((r) => r.correct).length, responses.length);
  if (!isModuleQuiz(attempt) || responses.length === 0) return { score: rawScore, rawScore, scoreSe: null };
  const bank = await db.quizItem.findMany({
    where: bankWhere(scopeOfAttempt(attempt), attempt.language),
    select: { difficulty: true, calibratedB: true },
  });
  const bs = bank.map((i) => itemLogit(i.difficulty, i.calibratedB));
  const estimate = estimateAbility(
    responses.map((r) => ({ b: itemLogit(r.difficulty, r.item.calibratedB), correct: r.correct })),
    SCORE_PRIOR,
  );
  const slope = bs.reduce((sum, b) => {
    const p = probabilityCorrect(estimate.theta, b);
    return sum + p * (1 - p);
  }, 0);
  const scoreSe = bs.length === 0 ? null : Math.round((slope / bs.length) * 100 * estimate.se * 100) / 100;
  return { score: expectedScore(estimate.theta, bs), rawScore, scoreSe };
}

/**
 * When an attempt ended, for a retake's cool-down: its submission time, which an offline replay
 * reports (X-Offline-Queued-At) and a client could backdate, but never before the server created
 * the attempt. Read the latest attempt by `createdAt` for it, not by `submittedAt`.
 */
export function endedForCooldown(attempt: { submittedAt: Date | null; createdAt: Date }): Date {
  return new Date(Math.max(attempt.submittedAt?.getTime() ?? 0, attempt.createdAt.getTime()));
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
  const scored = attempt.status === "in_progress" ? await scoreAttempt(tx, attempt) : null;
  const { count } = await tx.quizAttempt.updateMany({
    where: { id: attempt.id, status: "in_progress" },
    data: {
      status: "submitted",
      submittedAt: at,
      score: scored?.score ?? scoreOf(attempt.correctCount, attempt.itemCount),
      rawScore: scored?.rawScore ?? scoreOf(attempt.correctCount, attempt.itemCount),
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
  const scored = await scoreAttempt(db, attempt);
  return {
    attempt_id: attempt.id,
    kind: attempt.kind as QuizResult["kind"],
    score: attempt.score ?? scored.score,
    raw_score: attempt.rawScore ?? scored.rawScore,
    score_se: scored.scoreSe,
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
  /** The gate's score as `scoreAttempt` gives it over the bank as it is now. */
  score: number;
  rawScore: number;
  steps: { itemId: string; difficulty: number; correct: boolean; theta: number; se: number }[];
}

/**
 * Recomputes θ, SE and score of an attempt from its stored responses (audits and disputes). A
 * module quiz's score also reads its bank: a bank regenerated since gives another figure.
 */
export async function reproduceAttempt(db: Tx, attemptId: string): Promise<ReproducedAttempt> {
  const responses = await db.quizAttemptResponse.findMany({
    where: { attemptId },
    orderBy: { position: "asc" },
    select: { itemId: true, difficulty: true, correct: true, item: { select: { calibratedB: true } } },
  });
  const steps: ReproducedAttempt["steps"] = [];
  for (let i = 0; i < responses.length; i++) {
    const estimate = estimateAbility(
      responses.slice(0, i + 1).map((r) => ({ b: itemLogit(r.difficulty, r.item.calibratedB), correct: r.correct })),
    );
    const r = responses[i] as (typeof responses)[number];
    steps.push({ itemId: r.itemId, difficulty: r.difficulty, correct: r.correct, ...estimate });
  }
  const last = steps.at(-1);
  const attempt = await db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } });
  const scored = await scoreAttempt(db, attempt);
  return {
    theta: last?.theta ?? 0,
    se: last?.se ?? null,
    score: scored.score,
    rawScore: scored.rawScore,
    steps,
  };
}
