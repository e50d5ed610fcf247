/**
 * The delta cursor (`server_time`) as an offline client follows it: a page never ends inside the
 * changes of one millisecond (which would hand back a cursor asking for the same rows forever),
 * and a cursor never passes a change that commits after the read with an earlier stamp.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, testApp } from "../helpers.ts";
import { progressWorld, unitPath } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps);
afterAll(closeTestDeps);

interface Change {
  id: string;
  kind: string;
  updated_at: string;
}
interface Delta {
  items: Change[];
  has_more: boolean;
  server_time: string;
}

const get = async (user: SignedIn, path: string) => {
  const res = await app.request(path, { headers: { ...user.headers, "accept-language": "en" } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Delta;
};
const post = (user: SignedIn, path: string) =>
  app.request(path, { method: "POST", headers: { ...user.headers, "content-type": "application/json" }, body: "{}" });

/** Follows `server_time` while `has_more`, as the app's sync does; at most `max` requests. */
async function follow(user: SignedIn, since: string, limit: number, max = 6): Promise<Change[]> {
  const seen: Change[] = [];
  let cursor = since;
  for (let i = 0; i < max; i++) {
    const page = await get(user, `/api/v1/progress?since=${encodeURIComponent(cursor)}&limit=${limit}`);
    seen.push(...page.items);
    if (!page.has_more) return seen;
    cursor = page.server_time;
  }
  throw new Error(`still has_more after ${max} pages: ${JSON.stringify(seen.map((c) => c.id))}`);
}

describe("the delta cursor", () => {
  it("takes a millisecond's changes whole: one completion stamps the unit and its module alike", async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    expect((await post(world.learner, unitPath(world.mod(0).id, world.lesson(0), "complete"))).status).toBe(200);
    const all = await get(world.learner, `/api/v1/progress?since=${encodeURIComponent(since)}&limit=100`);
    expect(all.items.map((c) => c.kind).sort()).toEqual(["module", "unit"]);
    // The case under test: both rows carry one stamp, so a page of one must take both.
    expect(new Set(all.items.map((c) => c.updated_at)).size).toBe(1);
    const paged = await follow(world.learner, since, 1);
    expect(paged.map((c) => c.id).sort()).toEqual(all.items.map((c) => c.id).sort());
  });

  it("never passes a change still being written: it comes in the next sync", async () => {
    const before = new Date(Date.now() - 1_000).toISOString();
    const held = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await held.connect();
    try {
      // Another write of this learner's course holds the progress lock (an offline replay, say).
      await held.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [
        `progress:${world.learner.userId}:${world.course.courseId}`,
      ]);
      const completing = post(world.learner, unitPath(world.mod(0).id, world.lesson(0), "complete"));
      await waitForLockWaiter(held);
      // The completion's transaction has begun (its rows will carry that time) and waits.
      const during = await get(world.learner, `/api/v1/progress?since=${encodeURIComponent(before)}`);
      expect(during.items).toEqual([]);
      await held.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [
        `progress:${world.learner.userId}:${world.course.courseId}`,
      ]);
      expect((await completing).status).toBe(200);
      const after = await get(world.learner, `/api/v1/progress?since=${encodeURIComponent(during.server_time)}`);
      expect(after.items.find((c) => c.kind === "unit")).toMatchObject({ id: expect.any(String) });
      expect(after.items.map((c) => c.kind).sort()).toEqual(["module", "unit"]);
    } finally {
      await held.end();
    }
  });

  it("ends a page held back by an open transaction without has_more, so the client never loops", async () => {
    const before = new Date(Date.now() - 1_000).toISOString();
    const open = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await open.connect();
    try {
      await open.query("BEGIN");
      await open.query("SELECT now()");
      // Two completions, each at its own time: three rows (two units, their module) on two stamps.
      for (const j of [0, 1]) {
        expect((await post(world.learner, unitPath(world.mod(0).id, world.lesson(0, j), "complete"))).status).toBe(200);
      }
      const held = await get(world.learner, `/api/v1/progress?since=${encodeURIComponent(before)}&limit=1`);
      expect(held.items).toHaveLength(1);
      expect(held.has_more).toBe(false);
      await open.query("COMMIT");
      // Synced again later, as a client does: past the cursor's clock-skew margin and any other
      // write in flight (the API's own usage flush holds the horizon back as long as it runs).
      const ids = new Set(held.items.map((c) => c.id));
      for (let i = 0; i < 20 && ids.size < 3; i++) {
        await new Promise((r) => setTimeout(r, 150));
        for (const change of await follow(world.learner, held.server_time, 1)) ids.add(change.id);
      }
      const all = await get(world.learner, `/api/v1/progress?since=${encodeURIComponent(before)}&limit=100`);
      expect(ids).toEqual(new Set(all.items.map((c) => c.id)));
      expect(ids.size).toBe(3);
    } finally {
      await open.end();
    }
  });

  it("holds a full page's server_time back to the start of a transaction still open", async () => {
    const open = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await open.connect();
    try {
      await open.query("BEGIN");
      const { rows } = await open.query<{ started: Date }>("SELECT now() AS started");
      const started = (rows[0] as { started: Date }).started;
      await new Promise((r) => setTimeout(r, 300));
      // A syncable list without ?since= (the client's first sync) hands out its cursor too.
      const page = await get(world.learner, "/api/v1/courses/my-enrollments");
      expect(new Date(page.server_time).getTime()).toBeLessThanOrEqual(started.getTime());
      await open.query("COMMIT");
      const later = await get(world.learner, "/api/v1/courses/my-enrollments");
      expect(new Date(later.server_time).getTime()).toBeGreaterThan(started.getTime());
    } finally {
      await open.end();
    }
  });
});

/** Waits until a connection of this database waits on an advisory lock. */
async function waitForLockWaiter(client: pg.Client): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await client.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'",
    );
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no connection waits on the progress lock");
}
