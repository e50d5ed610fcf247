/**
 * Usage events wait in the API's buffer before they are written. An event recorded by a request
 * just before the learner erased their account lands after the erasure: it must not bring the
 * erased account's activity back (raw events, then the daily roll-up of who was active).
 */
import { rollUpUsage } from "@sira/domain";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";
import { lockWaiters } from "./lock-waiters.ts";

// The buffer is written when the test says so, never by its timer.
const { app, deps } = testApp({ USAGE_FLUSH_INTERVAL_MS: "3600000", DATABASE_POOL_MAX: "8" });
beforeEach(resetState);
afterAll(closeTestDeps);

const json = { "content-type": "application/json" };

describe("usage events of an account erased before they were written", () => {
  it("are dropped, and the roll-up does not count the erased learner", async () => {
    const learner = await signIn(deps);
    const witness = await signIn(deps);
    const course = await makeCourse(deps);
    for (const user of [learner, witness]) {
      const res = await app.request(`/api/v1/courses/${course.id}/enroll`, { method: "POST", headers: user.headers });
      expect(res.status).toBe(200);
    }
    const erased = await app.request("/api/v1/users/me", {
      method: "DELETE",
      headers: { ...learner.headers, ...json },
      body: JSON.stringify({ confirm: "DELETE" }),
    });
    expect(erased.status).toBe(200);

    await deps.usage.flush();
    expect(await deps.db.usageEvent.count({ where: { userId: learner.userId } })).toBe(0);
    expect(await deps.db.usageEvent.count({ where: { userId: witness.userId } })).toBe(1);
    await rollUpUsage(deps.db);
    expect(await deps.db.usageUserDay.count({ where: { userId: learner.userId } })).toBe(0);
    expect(await deps.db.usageUserDay.count({ where: { userId: witness.userId } })).toBe(1);
  });

  it("are dropped when they are written while the erasure is still running", async () => {
    const learner = await signIn(deps);
    const course = await makeCourse(deps);
    const enrolled = await app.request(`/api/v1/courses/${course.id}/enroll`, {
      method: "POST",
      headers: learner.headers,
    });
    expect(enrolled.status).toBe(200);
    // A raw connection holds the learner's sessions: the erasure has locked the account and waits there.
    const pause = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const watch = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([pause.connect(), watch.connect()]);
    try {
      await pause.query("BEGIN");
      await pause.query("SELECT id FROM refresh_tokens WHERE user_id = $1 FOR UPDATE", [learner.userId]);
      const erasing = app.request("/api/v1/users/me", {
        method: "DELETE",
        headers: { ...learner.headers, ...json },
        body: JSON.stringify({ confirm: "DELETE" }),
      });
      await lockWaiters(watch, 1);
      const flushing = deps.usage.flush();
      await lockWaiters(watch, 2);
      await pause.query("COMMIT");
      expect((await erasing).status).toBe(200);
      await flushing;
    } finally {
      await Promise.all([pause.end(), watch.end()]);
    }
    expect(await deps.db.usageEvent.count({ where: { userId: learner.userId } })).toBe(0);
  });
});
