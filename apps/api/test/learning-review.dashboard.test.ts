/**
 * The dashboard's due reviews are the cards quick review would serve: a course the learner left
 * takes its cards out of both, not only out of quick review.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeCard } from "../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "learning-review-dashboard");
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const dueReviews = async () => {
  const res = await send(world.learner, "GET", "/api/v1/dashboard");
  expect(res.status).toBe(200);
  return ((await res.json()) as { due_reviews: number }).due_reviews;
};
const dueTotal = async () => {
  const res = await send(world.learner, "GET", "/api/v1/flashcards/due");
  expect(res.status).toBe(200);
  return ((await res.json()) as { due_total: number }).due_total;
};

describe("due reviews on the dashboard", () => {
  it("count the cards of live enrollments only, as quick review does", async () => {
    const cardId = await makeCard(deps.db, world.course.moduleId, "offre");
    // Reviewed "again" two hours ago (an offline replay): due again within minutes, so due now.
    const reviewed = await app.request(`/api/v1/flashcards/${cardId}/review`, {
      method: "POST",
      headers: {
        ...world.learner.headers,
        "content-type": "application/json",
        "x-offline-queued-at": new Date(Date.now() - 2 * 3_600_000).toISOString(),
      },
      body: JSON.stringify({ rating: 1 }),
    });
    expect(reviewed.status).toBe(200);
    expect([await dueReviews(), await dueTotal()]).toEqual([1, 1]);

    const left = await send(world.learner, "POST", `/api/v1/courses/${world.course.courseId}/unenroll`);
    expect(left.status).toBe(200);
    expect([await dueReviews(), await dueTotal()]).toEqual([0, 0]);
  });
});
