/**
 * Card reviews under odd timing: a review dated before the learner joined the course cannot have
 * happened then, so it never stretches the streak back past the enrollment (it is still recorded,
 * at its queued time, for the card's memory); a card left open for an hour does not spend the
 * whole day's quick-review budget.
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

describe("quick review's daily budget", () => {
  it("counts a review left open for an hour as one slow card, not the whole day's 15 minutes", async () => {
    const [left, other] = [
      await makeCard(deps.db, world.course.moduleId, "offre"),
      await makeCard(deps.db, world.course.moduleId, "demande", 1),
    ];
    for (const [cardId, duration] of [
      [left, 3_600_000],
      [other, 10_000],
    ] as const) {
      const res = await app.request(`/api/v1/flashcards/${cardId}/review`, {
        method: "POST",
        headers: { ...world.learner.headers, "content-type": "application/json" },
        body: JSON.stringify({ rating: 1, duration_ms: duration }),
      });
      expect(res.status).toBe(200);
    }
    const res = await app.request("/api/v1/flashcards/due", { headers: world.learner.headers });
    expect(res.status).toBe(200);
    const due = (await res.json()) as { remaining_budget_seconds: number };
    // At most two minutes for the card left open (the longest a card is reckoned to take), ten seconds for the other.
    expect(due.remaining_budget_seconds).toBe(15 * 60 - 120 - 10);
  });
});
