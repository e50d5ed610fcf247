/** A learner reviews a card: access check, the review recorded in time order, streak and dashboard updated. */
import type { Rating } from "@sira/algorithms";
import type { FlashcardReviewInput, FlashcardReviewResult } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { LearnerContext } from "../../access/learner.ts";
import type { RequestMeta } from "../../request-meta.ts";
import type { UsageSink } from "../../usage/recorder.ts";
import { recordLearningActivity } from "../../users/activity.ts";
import { invalidateDashboard } from "../dashboard/index.ts";
import { activityTimeIn } from "../progress/activity-time.ts";
import { reviewableCard } from "./access.ts";
import { recordCardReview } from "./scheduling.ts";

/** Records the learner's review of a card and returns the card's memory after it (see scheduling.ts). */
export async function reviewFlashcard(
  deps: { db: Db; redis: Redis; logger?: Logger; usage: UsageSink },
  learner: LearnerContext,
  cardId: string,
  input: FlashcardReviewInput,
  meta: Pick<RequestMeta, "occurredAt"> & { idempotencyKey?: string | null },
): Promise<FlashcardReviewResult> {
  const { userId } = learner.viewer;
  const card = await reviewableCard(deps.db, learner.viewer, cardId);
  const activityAt = await activityTimeIn(deps.db, userId, card.courseId, meta.occurredAt);
  const outcome = await deps.db.$transaction(async (tx) => {
    const result = await recordCardReview(tx, {
      userId,
      cardId: card.id,
      rating: input.rating as Rating,
      at: meta.occurredAt,
      durationMs: input.duration_ms ?? null,
      source: "flashcard",
      idempotencyKey: meta.idempotencyKey ?? null,
    });
    if (!result.duplicate) await recordLearningActivity(tx, userId, activityAt);
    return result;
  });
  if (!outcome.duplicate) {
    await invalidateDashboard(deps.redis, userId, deps.logger);
    deps.usage.record({
      kind: "flashcard_review",
      userId,
      courseId: card.courseId,
      metadata: { card_id: card.id, rating: input.rating },
      occurredAt: meta.occurredAt,
    });
  }
  const m = outcome.memory;
  return {
    card_id: card.id,
    reviewed_at: meta.occurredAt.toISOString(),
    due: m.due.toISOString(),
    stability: m.stability,
    difficulty: m.difficulty,
    state: m.state as FlashcardReviewResult["state"],
    scheduled_days: m.scheduledDays,
    reps: m.reps,
    lapses: m.lapses,
    last_review: m.lastReview?.toISOString() ?? null,
    duplicate: outcome.duplicate,
  };
}
