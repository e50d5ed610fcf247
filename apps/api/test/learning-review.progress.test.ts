/**
 * Unit actions replayed from an offline queue a day apart, dated before the learner joined the
 * course: they are recorded, but never stretch the streak back past the enrollment.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const DAY = 86_400_000;
const send = (method: string, path: string, queuedAt: Date, body: unknown = {}) =>
  app.request(path, {
    method,
    headers: {
      ...world.learner.headers,
      "content-type": "application/json",
      "x-offline-queued-at": queuedAt.toISOString(),
    },
    body: JSON.stringify(body),
  });
const streak = async () => (await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } })).streakDays;

describe("backdated progress", () => {
  it("unit starts and completions from before the enrollment make no streak of days", async () => {
    const unit = `/api/v1/modules/${world.course.moduleId}/units/${world.course.lessonUnitId}`;
    const now = Date.now();
    expect((await send("POST", `${unit}/start`, new Date(now))).status).toBe(200);
    for (const day of [1, 2]) expect((await send("POST", `${unit}/start`, new Date(now - day * DAY))).status).toBe(200);
    for (const day of [3, 4])
      expect((await send("POST", `${unit}/complete`, new Date(now - day * DAY))).status).toBe(200);
    expect(await streak()).toBe(1);
    const progress = await deps.db.userUnitProgress.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(progress.status).toBe("completed");
  });
});
