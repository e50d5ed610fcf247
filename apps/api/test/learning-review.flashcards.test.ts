/**
 * Card reviews replayed from an offline queue under odd timing: a review dated before the learner
 * joined the course cannot have happened then, so it never stretches the streak back past the
 * enrollment (it is still recorded, at its queued time, for the card's memory).
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeCard } from "../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const DAY = 86_400_000;
const review = (cardId: string, queuedAt: Date, key: string) =>
  app.request(`/api/v1/flashcards/${cardId}/review`, {
    method: "POST",
    headers: {
      ...world.learner.headers,
      "content-type": "application/json",
      "idempotency-key": key,
      "x-offline-queued-at": queuedAt.toISOString(),
    },
    body: JSON.stringify({ rating: 3 }),
  });

describe("backdated card reviews", () => {
  it("from before the enrollment make no streak of days, and are still recorded", async () => {
    const cardId = await makeCard(deps.db, world.course.moduleId, "offre");
    const now = Date.now();
    expect((await review(cardId, new Date(now), "streak-review-0000")).status).toBe(200);
    for (const day of [1, 2, 3, 4, 5]) {
      const res = await review(cardId, new Date(now - day * DAY), `streak-review-000${day}`);
      expect(res.status).toBe(200);
    }
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } });
    expect(user.streakDays).toBe(1);
    expect(await deps.db.flashcardReviewLog.count({ where: { cardId } })).toBe(6);
  });
});
