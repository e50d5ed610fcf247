/**
 * A lesson or a tutor answer still queued behind other work when its stream has had nothing new for
 * SSE_IDLE_MS: the stream ends with `reconnect` (and a retry hint), not an error, and the client
 * that comes back with its Last-Event-ID gets the text once the worker reaches the job. On a real
 * BullMQ worker held paused, with the offline generator and tutor.
 */
import type { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, enrolledLearnerWorld, type SseFrame, SseReader, testApp } from "../helpers.ts";
import { type Meta, post } from "../tutor/client.ts";

const { app, deps } = testApp({ SSE_IDLE_MS: "400", SSE_COALESCE_MS: "0", TUTOR_ABANDON_AFTER_MS: "60000" });
const world = enrolledLearnerWorld(deps);

let workers: Worker[] = [];
beforeAll(async () => {
  const all = processors(deps);
  workers = startWorkers(
    { "content-generation": all["content-generation"], tutor: all.tutor },
    { prefix: deps.config.QUEUE_PREFIX, redisUrl: deps.config.REDIS_URL, logger: deps.logger },
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
});
beforeEach(async () => {
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeTestDeps();
});

const headers = () => ({ ...world.learner.headers, "accept-language": "fr" });

/** Holds every job queued while `run` waits; the workers go on afterwards. */
async function whilePaused<T>(run: () => Promise<T>): Promise<T> {
  await Promise.all(workers.map((w) => w.pause()));
  try {
    return await run();
  } finally {
    for (const w of workers) w.resume();
  }
}

/**
 * Follows `path` as a client does: after a `reconnect` it comes back with its Last-Event-ID (here at
 * once), until the stream ends otherwise. The frames of every connection, in order.
 */
async function follow(path: string, lastId: string): Promise<SseFrame[]> {
  const all: SseFrame[] = [];
  for (let connection = 0; connection < 50; connection++) {
    const res = await app.request(path, { headers: { ...headers(), "last-event-id": lastId } });
    expect(res.status).toBe(200);
    const frames = await new SseReader(res.body).rest();
    all.push(...frames);
    const last = frames.at(-1);
    if (last?.event !== "reconnect") return all;
    lastId = last.id ?? lastId;
  }
  throw new Error("the stream never ended");
}

/** The stream ended for now: a `reconnect` with a retry hint is its last frame, and no error came. */
function expectComeBackLater(frames: SseFrame[]): string {
  expect(frames.some((f) => f.event === "error")).toBe(false);
  const last = frames.at(-1);
  expect(last).toMatchObject({ event: "reconnect", retry: "5000", data: { retry_ms: 5000 } });
  return last?.id ?? "0";
}

describe("a stream with nothing new for SSE_IDLE_MS", () => {
  it("ends a queued lesson's stream with reconnect, and the lesson follows when the client comes back", async () => {
    const stream = `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/stream`;
    const lastId = await whilePaused(async () => {
      const res = await app.request(stream, { headers: headers() });
      expect(res.status).toBe(200);
      return expectComeBackLater(await new SseReader(res.body).rest());
    });
    const frames = await follow(stream, lastId);
    expect(frames.some((f) => f.event === "error")).toBe(false);
    expect(frames.at(-1)?.event).toBe("done");
    expect(frames.some((f) => f.event === "delta")).toBe(true);
  });

  it("ends a queued tutor answer's stream with reconnect, and the answer follows at its stream URL", async () => {
    const meta = await whilePaused(async () => {
      const res = await post(app, world.learner, {
        course_id: world.course.courseId,
        message: "Qu'est-ce que le prix d'équilibre ?",
      });
      expect(res.status).toBe(200);
      const frames = await new SseReader(res.body).rest();
      expectComeBackLater(frames);
      return frames.find((f) => f.event === "meta")?.data as Meta;
    });
    const frames = await follow(meta.stream_url, "0");
    expect(frames.some((f) => f.event === "error")).toBe(false);
    expect(frames.at(-1)).toMatchObject({ event: "done", data: { status: "complete" } });
    const answer = await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: meta.answer_id } });
    expect(answer.status).toBe("complete");
  });
});
