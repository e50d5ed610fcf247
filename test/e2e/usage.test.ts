/**
 * End to end, usage with only real components: learners enroll through the API process, whose
 * usage buffer is written only by its clean shutdown (the flush timer is set past the test); the
 * worker process rolls the events up; a new API process then reports those learners as active.
 */
import { enqueue } from "@sira/domain";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { makeCourse } from "../../packages/domain/test/content/fixtures.ts";
import { callJson, poll } from "./http.ts";
import { freePort, type Stack, startService, startStack, testEnv, waitFor } from "./processes.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const deps = testDeps();
let stack: Stack;
let admin: SignedIn;
let learners: SignedIn[];
let courseId: string;

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  admin = await signIn(deps, { role: "admin" });
  learners = [await signIn(deps), await signIn(deps), await signIn(deps)];
  courseId = (await makeCourse(db)).courseId;
  stack = await startStack({ USAGE_FLUSH_INTERVAL_MS: "600000" });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("usage events through the processes", () => {
  it("are written by the API's clean shutdown, rolled up by the worker, and counted as active users", async () => {
    for (const learner of learners) {
      const res = await callJson(stack.base, `/api/v1/courses/${courseId}/enroll`, { method: "POST", as: learner });
      expect(res.status).toBe(200);
    }
    // Buffered in the API process: nothing is written before the timer or a full batch.
    expect(await db.usageEvent.count()).toBe(0);

    expect(await stack.api.stop()).toBe(0);
    const events = await db.usageEvent.findMany({ select: { kind: true, userId: true, courseId: true } });
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set(learners.map((l) => l.userId)));
    expect(events.every((e) => e.kind === "enrollment" && e.courseId === courseId)).toBe(true);

    await enqueue(deps, "usage-rollup", {}, `usage-rollup-e2e-${Date.now()}`);
    await poll(
      () => db.usageUserDay.count(),
      (n) => n === 3,
      "the worker's roll-up",
      {
        context: () => stack.worker.output(),
      },
    );

    const port = await freePort();
    const api = startService("api", { ...testEnv(), PORT: String(port) });
    try {
      await waitFor(`http://127.0.0.1:${port}/health`, api);
      const report = await callJson<{ active_users: { day: number; week: number; month: number } }>(
        `http://127.0.0.1:${port}`,
        "/api/v1/admin/analytics",
        { as: admin },
      );
      expect(report.status).toBe(200);
      expect(report.body.active_users).toEqual({ day: 3, week: 3, month: 3 });
    } finally {
      expect(await api.stop()).toBe(0);
    }
  });
});
