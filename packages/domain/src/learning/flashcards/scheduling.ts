/**
 * Scheduling a card from its reviews: one review recorded, whenever it happened, and the card's
 * memory (its next due date) it leads to. Every review is kept in flashcard_review_logs; the
 * learner's memory row is locked first, so concurrent reviews of a card serialise. A review at or
 * after the card's last one is applied on top of the stored memory; one that happened earlier (an
 * offline queue delivered late or shuffled) makes the memory be replayed from all logs in
 * reviewed_at order, so the result never depends on the order of arrival. The scheduler runs with
 * the learner's fitted FSRS weights, else their course cohort's, else the defaults (decision 0052).
 */
import {
  applyReview,
  type CardMemory,
  type FsrsWeights,
  newCardMemory,
  type Rating,
  replayReviews,
} from "@sira/algorithms";
import { AppError } from "@sira/contracts";
import { inTransaction, type Transaction, type Tx } from "@sira/infra/db";
import { fsrsWeightsFor } from "./fsrs-parameters.ts";
import { type MemoryRow, memoryOfRow } from "./memory.ts";

export interface CardReviewInput {
  userId: string;
  cardId: string;
  rating: Rating;
  /** When the review really happened. */
  at: Date;
  durationMs?: number | null;
  source: "flashcard" | "quiz";
  idempotencyKey?: string | null;
  quizResponseId?: string | null;
}

export interface CardReviewOutcome {
  memory: CardMemory;
  /** The review was already recorded (same idempotency key or quiz answer): nothing changed. */
  duplicate: boolean;
  /** The memory was recomputed from the whole history (the review arrived out of order). */
  replayed: boolean;
}

async function lockMemory(tx: Transaction, userId: string, cardId: string): Promise<MemoryRow> {
  await tx.$executeRaw`
    INSERT INTO flashcard_reviews (user_id, card_id) VALUES (${userId}::uuid, ${cardId}::uuid)
    ON CONFLICT (user_id, card_id) DO NOTHING`;
  const [row] = await tx.$queryRaw<MemoryRow[]>`
    SELECT due, stability, difficulty, elapsed_days AS "elapsedDays", scheduled_days AS "scheduledDays",
      learning_steps AS "learningSteps", reps, lapses, state, last_review AS "lastReview"
    FROM flashcard_reviews WHERE user_id = ${userId}::uuid AND card_id = ${cardId}::uuid FOR UPDATE`;
  return row as MemoryRow;
}

async function insertLog(
  tx: Transaction,
  input: CardReviewInput,
  after: { stateBefore: string; memory: CardMemory },
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO flashcard_review_logs (user_id, card_id, rating, reviewed_at, duration_ms, source, quiz_response_id,
      idempotency_key, state_before, due_after, stability_after, difficulty_after, scheduled_days)
    VALUES (${input.userId}::uuid, ${input.cardId}::uuid, ${input.rating}, ${input.at}, ${input.durationMs ?? null},
      ${input.source}, ${input.quizResponseId ?? null}::uuid, ${input.idempotencyKey ?? null}, ${after.stateBefore},
      ${after.memory.due}, ${after.memory.stability}, ${after.memory.difficulty}, ${after.memory.scheduledDays})
    ON CONFLICT DO NOTHING`;
  return inserted > 0;
}

async function saveMemory(tx: Transaction, userId: string, cardId: string, m: CardMemory) {
  await tx.flashcardReview.update({
    where: { userId_cardId: { userId, cardId } },
    data: {
      due: m.due,
      stability: m.stability,
      difficulty: m.difficulty,
      elapsedDays: m.elapsedDays,
      scheduledDays: m.scheduledDays,
      learningSteps: m.learningSteps,
      reps: m.reps,
      lapses: m.lapses,
      state: m.state,
      lastReview: m.lastReview,
    },
  });
}

interface LogRow {
  id: string;
  rating: number;
  reviewedAt: Date;
}

/**
 * Replays every logged review of the card in reviewed_at order (ties: arrival order), rewrites each
 * log's before/after values, and returns the final memory (ts-fsrs via replayReviews).
 */
async function replayCard(
  tx: Transaction,
  userId: string,
  cardId: string,
  weights: FsrsWeights | null,
): Promise<CardMemory> {
  const logs = await tx.$queryRaw<LogRow[]>`
    SELECT id, rating, reviewed_at AS "reviewedAt" FROM flashcard_review_logs
    WHERE user_id = ${userId}::uuid AND card_id = ${cardId}::uuid
    ORDER BY reviewed_at, created_at, id`;
  const history = logs.map((l) => ({ rating: l.rating as Rating, at: l.reviewedAt }));
  const first = history[0]?.at ?? new Date();
  let memory = newCardMemory(first);
  const steps = logs.map((log, i) => {
    const step = applyReview(memory, history[i]?.rating as Rating, log.reviewedAt, weights);
    memory = step.memory;
    return { id: log.id, stateBefore: step.stateBefore, after: step.memory };
  });
  await tx.$executeRaw`
    UPDATE flashcard_review_logs AS l SET state_before = v.state_before, due_after = v.due_after,
      stability_after = v.stability_after, difficulty_after = v.difficulty_after, scheduled_days = v.scheduled_days
    FROM unnest(${steps.map((s) => s.id)}::uuid[], ${steps.map((s) => s.stateBefore)}::text[],
      ${steps.map((s) => s.after.due.toISOString())}::timestamptz[], ${steps.map((s) => s.after.stability)}::float8[],
      ${steps.map((s) => s.after.difficulty)}::float8[], ${steps.map((s) => s.after.scheduledDays)}::int[])
      AS v(id, state_before, due_after, stability_after, difficulty_after, scheduled_days)
    WHERE l.id = v.id`;
  return replayReviews(first, history, weights);
}

/**
 * A key already logged for another card or rating is a client's bug, not a replay: 422, as the
 * REST `Idempotency-Key` check answers (tRPC carries the key in its input, past that check).
 */
async function refuseKeyOfAnotherReview(tx: Transaction, input: CardReviewInput): Promise<void> {
  if (!input.idempotencyKey) return;
  const logged = await tx.flashcardReviewLog.findUnique({
    where: { userId_idempotencyKey: { userId: input.userId, idempotencyKey: input.idempotencyKey } },
    select: { cardId: true, rating: true },
  });
  if (logged && (logged.cardId !== input.cardId || logged.rating !== input.rating)) {
    throw new AppError("IDEMPOTENCY_KEY_REUSED");
  }
}

/** Records one review of a card by a learner (see the module comment). Idempotent per key and quiz answer. */
export async function recordCardReview(db: Tx, input: CardReviewInput): Promise<CardReviewOutcome> {
  return inTransaction(db, async (tx) => {
    const stored = await lockMemory(tx, input.userId, input.cardId);
    const weights = await fsrsWeightsFor(tx, input.userId, input.cardId);
    const current = stored.reps === 0 && stored.state === "new" ? newCardMemory(input.at) : memoryOfRow(stored);
    const inOrder = !current.lastReview || input.at.getTime() >= current.lastReview.getTime();
    const step = inOrder
      ? applyReview(current, input.rating, input.at, weights)
      : { stateBefore: current.state, memory: current };
    const fresh = await insertLog(tx, input, step);
    if (!fresh) {
      await refuseKeyOfAnotherReview(tx, input);
      return { memory: memoryOfRow(stored), duplicate: true, replayed: false };
    }
    const memory = inOrder ? step.memory : await replayCard(tx, input.userId, input.cardId, weights);
    await saveMemory(tx, input.userId, input.cardId, memory);
    return { memory, duplicate: false, replayed: !inOrder };
  });
}
