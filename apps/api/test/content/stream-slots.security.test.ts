/**
 * Concurrent event streams per user, through the real API on a port (decision 0028): the stream
 * past SSE_MAX_STREAMS_PER_USER is a 429 TOO_MANY_STREAMS; a stream that ends, or whose client
 * leaves, frees its slot; and a slot whose process died is freed when its lease runs out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CacheKey } from "../../../../packages/domain/src/content/index.ts";
import { enroll, indexMarketText, lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { acquireStreamSlot } from "../../src/http/stream-slots.ts";
import { closeTestDeps, enrolledLearnerWorld, listen, type SignedIn, SseReader, signIn, testApp } from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp({ SSE_MAX_STREAMS_PER_USER: "3" });
let base: string;
const open: AbortController[] = [];

beforeAll(async () => {
  base = await listen(app);
});
beforeEach(() => {
  for (const controller of open.splice(0)) controller.abort();
});
const world = enrolledLearnerWorld(deps);
afterAll(async () => {
  for (const controller of open.splice(0)) controller.abort();
  await closeTestDeps();
});

const key = (): CacheKey => lessonKey(world.course);

/** Opens the lesson stream over HTTP; the caller may abort it (the client leaving). */
async function stream(user: SignedIn): Promise<{ res: Response; controller: AbortController }> {
  const controller = new AbortController();
  open.push(controller);
  const res = await fetch(
    `${base}/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/stream`,
    {
      headers: { ...user.headers, "accept-language": "fr" },
      signal: controller.signal,
    },
  );
  return { res, controller };
}

/** A stream that stays open: the lesson is being generated (no worker runs here), so it is tailed. */
async function liveStream(user: SignedIn) {
  const opened = await stream(user);
  expect(opened.res.status).toBe(200);
  await new SseReader(opened.res.body).until((f) => f.event === "meta");
  return opened;
}

/** Retries `attempt` until it holds, for at most `withinMs` (a bound, not a timing). */
async function eventually(attempt: () => Promise<boolean>, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await attempt()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("concurrent lesson streams per user", () => {
  it("refuse the stream past the cap with 429 TOO_MANY_STREAMS, and only for that user", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    for (let i = 0; i < 3; i++) await liveStream(world.learner);

    const fourth = await stream(world.learner);
    expect(fourth.res.status).toBe(429);
    expect(fourth.res.headers.get("content-type")).toContain("application/problem+json");
    expect(fourth.res.headers.get("retry-after")).toBeTruthy();
    expect(await fourth.res.json()).toMatchObject({ status: 429, code: "TOO_MANY_STREAMS" });

    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    await liveStream(other);
  });

  it("free a slot when the client disconnects", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const streams = [await liveStream(world.learner), await liveStream(world.learner), await liveStream(world.learner)];
    expect((await stream(world.learner)).res.status).toBe(429);

    streams[0]?.controller.abort();
    const reopened = await eventually(async () => {
      const attempt = await stream(world.learner);
      if (attempt.res.status === 200) return true;
      await attempt.res.body?.cancel();
      return false;
    });
    expect(reopened).toBe(true);
  });

  it("free a slot when the stream ends", async () => {
    await storeOfflineLesson(deps.db, key(), sampleLesson("C"));
    for (let i = 0; i < 6; i++) {
      const { res } = await stream(world.learner);
      expect(res.status).toBe(200);
      const frames = await new SseReader(res.body).rest();
      expect(frames.at(-1)?.event).toBe("done");
    }
    expect(await deps.redis.zcard(`sira:sse:slots:${world.learner.userId}`)).toBe(0);
  });

  it("do not take a slot when the stream is refused for another reason", async () => {
    // Nothing indexed: 409 NO_INDEXED_CONTENT, as often as asked, without using up slots.
    for (let i = 0; i < 5; i++) expect((await stream(world.learner)).res.status).toBe(409);
    expect(await deps.redis.zcard(`sira:sse:slots:${world.learner.userId}`)).toBe(0);
  });
});

describe("stream slot leases", () => {
  const options = { redis: deps.redis, logger: deps.logger, limit: 2 };

  it("free the slots of a process that died once their lease runs out", async () => {
    // Taken and never released nor renewed: what a crashed process leaves behind.
    await deps.redis.eval(
      "redis.call('ZADD', KEYS[1], ARGV[1], 'crashed-1', ARGV[1], 'crashed-2')",
      1,
      `sira:sse:slots:${world.learner.userId}`,
      Date.now() + 300,
    );
    await expect(acquireStreamSlot(world.learner.userId, options)).rejects.toMatchObject({ code: "TOO_MANY_STREAMS" });
    const freed = await eventually(async () => {
      try {
        (await acquireStreamSlot(world.learner.userId, options)).release();
        return true;
      } catch {
        return false;
      }
    });
    expect(freed).toBe(true);
  });

  it("keep a live slot past its lease by renewing it", async () => {
    const held = await acquireStreamSlot(world.learner.userId, { ...options, limit: 1, leaseMs: 2_000 });
    // Well past the lease: only the renewals (every third of it) keep the slot held.
    await new Promise((r) => setTimeout(r, 5_000));
    await expect(acquireStreamSlot(world.learner.userId, { ...options, limit: 1 })).rejects.toMatchObject({
      code: "TOO_MANY_STREAMS",
    });
    held.release();
    const next = await eventually(async () => {
      try {
        (await acquireStreamSlot(world.learner.userId, { ...options, limit: 1 })).release();
        return true;
      } catch {
        return false;
      }
    });
    expect(next).toBe(true);
  });
});
