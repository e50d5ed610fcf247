/** Quiz answers feed the learner's card of the same concept, so one memory model serves both. */

import type { Tx } from "@sira/infra/db";
import { recordCardReview } from "./scheduling.ts";

/**
 * A quiz answer feeds the learner's card of the same concept in that module (correct → Good (3),
 * wrong → Again (1)); idempotent per quizResponseId; no-op when no card has that concept.
 */
export async function feedQuizAnswerToCard(
  db: Tx,
  input: { userId: string; moduleId: string; conceptKey: string; correct: boolean; at: Date; quizResponseId: string },
): Promise<void> {
  const card = await db.flashcard.findFirst({
    where: { moduleId: input.moduleId, conceptKey: input.conceptKey, isActive: true },
    select: { id: true },
  });
  if (!card) return;
  await recordCardReview(db, {
    userId: input.userId,
    cardId: card.id,
    rating: input.correct ? 3 : 1,
    at: input.at,
    source: "quiz",
    quizResponseId: input.quizResponseId,
  });
}
