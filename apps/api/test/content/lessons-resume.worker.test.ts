/**
 * A client that comes back to a lesson with Last-Event-ID, on a real BullMQ worker with the offline
 * generator: an offset into a run that failed (for good, or retried by the queue) restarts the text
 * with `meta {reset: true}` and the whole lesson, since the lesson served is another run's; an
 * offset into the run that stored the lesson resumes it; an id of the earlier format (a bare
 * offset) resumes only where the run can be told to be the same.
 */
import type { ContentGenerator } from "@sira/ai";
import { PermanentJobError } from "@sira/domain";
import { getQueue } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generationJobId, generationStreamKey } from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText, lessonKey } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, enrolledLearnerWorld, type SseFrame, SseReader, testApp } from "../helpers.ts";
import { until } from "../workers.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const queue = () => getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
const world = enrolledLearnerWorld(deps);

/** The first run's text before it fails; long, so an offset into it is far into any lesson. */
const FIRST_RUN = "Une première version du cours, qui ne sera jamais terminée. ".repeat(8);

/** The offline generator; while `failing` is set, a French lesson streams FIRST_RUN, waits, then fails. */
let failing: "permanently" | "once" | null = null;
let release: () => void = () => undefined;
const offline = deps.ai.generator;
const generator: ContentGenerator = Object.assign(Object.create(offline) as ContentGenerator, {
  lesson: async (...args: Parameters<ContentGenerator["lesson"]>) => {
    const [context, , options] = args;
    const mode = failing;
    if (mode && context.language === "fr") {
      failing = null;
      options?.onDelta?.(FIRST_RUN);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw mode === "permanently" ? new PermanentJobError("the provider refused the lesson") : new Error("overloaded");
    }
    return offline.lesson(...args);
  },
});

let workers: Worker[] = [];
beforeAll(() => {
  const all = processors({ ...deps, ai: { ...deps.ai, generator } });
  workers = startWorkers(
    { "content-generation": all["content-generation"] },
    { prefix: deps.config.QUEUE_PREFIX, redisUrl: deps.config.REDIS_URL, logger: deps.logger },
  );
});
beforeEach(async () => {
  failing = null;
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(async () => {
  release();
  await stopWorkers(workers, 5_000);
  await closeTestDeps();
});

const streamPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/stream`;
const jobId = () => generationJobId(lessonKey(world.course, { language: "fr", country: "SN" }));
const open = (lastEventId?: string, signal?: AbortSignal) =>
  app.request(streamPath(), {
    headers: {
      ...world.learner.headers,
      "accept-language": "fr",
      ...(lastEventId ? { "last-event-id": lastEventId } : {}),
    },
    ...(signal ? { signal } : {}),
  });
const textOf = (frames: SseFrame[]) =>
  frames
    .filter((f) => f.event === "delta")
    .map((f) => (f.data as { text: string }).text)
    .join("");
const isReset = (f: SseFrame) => f.event === "meta" && (f.data as { reset?: boolean }).reset === true;

async function storedMarkdown(): Promise<string> {
  const row = await until(
    () => deps.db.generatedContent.findFirst({ where: { language: "fr", contentType: "lesson" } }),
    (r) => r !== null,
  );
  expect(row).not.toBeNull();
  return (row?.content as { markdown: string } | undefined)?.markdown ?? "";
}

/** A learner reads the failing run's first text, then the connection drops: the id it holds. */
async function readFirstRunThenDrop(): Promise<string> {
  const leave = new AbortController();
  const res = await open(undefined, leave.signal);
  expect(res.status).toBe(200);
  const reader = new SseReader(res.body);
  const delta = await reader.until((f) => f.event === "delta");
  expect((delta.data as { text: string }).text).toBe(FIRST_RUN);
  leave.abort();
  expect(delta.id).toMatch(new RegExp(`${FIRST_RUN.length}$`));
  return delta.id ?? "";
}

/** The stream seen by a client coming back: a reset before any text, then exactly `markdown`. */
function expectRestartedWith(frames: SseFrame[], markdown: string) {
  expect(frames.some((f) => f.event === "error")).toBe(false);
  const reset = frames.findIndex(isReset);
  expect(reset).toBeGreaterThan(0);
  expect(textOf(frames.slice(0, reset))).toBe("");
  expect(textOf(frames.slice(reset))).toBe(markdown);
  expect(frames.at(-1)?.event).toBe("done");
}

describe("a lesson stream resumed with an offset into another run", () => {
  it("restarts with the new run's whole lesson when the run the client read failed for good", async () => {
    failing = "permanently";
    const held = await readFirstRunThenDrop();
    release();
    await until(
      () => queue().getJobState(jobId()),
      (s) => s === "failed",
    );
    // Coming back starts a new run of the lesson (attempt 1 again), which succeeds.
    const res = await open(held);
    expect(res.status).toBe(200);
    const frames = await new SseReader(res.body).rest();
    expectRestartedWith(frames, await storedMarkdown());
  });

  it("replays the stored lesson whole when the run the client read was retried by the queue", async () => {
    failing = "once";
    const held = await readFirstRunThenDrop();
    release();
    const markdown = await storedMarkdown();
    const res = await open(held);
    const frames = await new SseReader(res.body).rest();
    expectRestartedWith(frames, markdown);
  });
});

describe("a lesson stream resumed with an offset into the same text", () => {
  it("resumes the run that stored the lesson, and the stored lesson's own replay, from the offset", async () => {
    const first = await new SseReader((await open()).body).rest();
    const markdown = await storedMarkdown();
    expect(textOf(first)).toBe(markdown);
    // The live run's ids name it (the offline generator sends the lesson in one frame: resume mid-way).
    const runTag = first.find((f) => f.event === "delta")?.id?.split(":")[0] ?? "";
    expect(runTag).toMatch(/^[0-9a-f]{8}$/);
    const offset = 300;
    const runId = `${runTag}:${offset}`;

    // The lesson is stored now: the run's stream still tells it was this run's text, unrepaired.
    const again = await new SseReader((await open(runId)).body).rest();
    expect(again.some(isReset)).toBe(false);
    expect(textOf(again)).toBe(markdown.slice(offset));

    // A replay's ids name the stored version; resuming one resumes it.
    const cachedId = again.find((f) => f.event === "done")?.id ?? "";
    expect(cachedId.split(":")[0]).not.toBe(runId.split(":")[0]);
    const tag = cachedId.split(":")[0];
    const replay = await new SseReader((await open(`${tag}:10`)).body).rest();
    expect(replay.some(isReset)).toBe(false);
    expect(textOf(replay)).toBe(markdown.slice(10));

    // An id of the earlier format (a bare offset) resumes while the run's stream tells it was a first attempt…
    const legacy = await new SseReader((await open(String(offset))).body).rest();
    expect(legacy.some(isReset)).toBe(false);
    expect(textOf(legacy)).toBe(markdown.slice(offset));
    // …and restarts once nobody can tell (the stream expired).
    await deps.redis.del(generationStreamKey(lessonKey(world.course, { language: "fr", country: "SN" })));
    const unknown = await new SseReader((await open(String(offset))).body).rest();
    expectRestartedWith(unknown, markdown);
  });
});
