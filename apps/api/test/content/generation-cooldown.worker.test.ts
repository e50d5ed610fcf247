/**
 * A module's quiz bank or deck whose generation failed for good, on a real BullMQ worker whose
 * provider refuses the request: learner traffic (quiz starts, deck reads and their polls) does not
 * run it again before the cool-down, and each request answers 409 with retry_after meanwhile.
 */
import type { ContentGenerator } from "@sira/ai";
import { PermanentJobError } from "@sira/domain";
import { getQueue } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GENERATION_FAILURE_COOLDOWN_MS } from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "../helpers.ts";
import { until } from "../workers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "quiz");
const queue = () => getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
const world = enrolledLearnerWorld(deps);

/** The offline generator, behind a provider that refuses every quiz and deck. */
const calls = { quiz: 0, flashcards: 0 };
const refuse = () => Promise.reject(new PermanentJobError("the provider refused the request"));
const generator: ContentGenerator = Object.assign(Object.create(deps.ai.generator) as ContentGenerator, {
  quiz: () => {
    calls.quiz += 1;
    return refuse();
  },
  flashcards: () => {
    calls.flashcards += 1;
    return refuse();
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
  calls.quiz = 0;
  calls.flashcards = 0;
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeTestDeps();
});

const cases = [
  { kind: "quiz" as const, path: () => `/api/v1/modules/${world.course.moduleId}/quiz`, code: "QUIZ_NOT_READY" },
  { kind: "flashcards" as const, path: () => `/api/v1/modules/${world.course.moduleId}/flashcards`, code: "NOT_READY" },
];

describe.each(cases)("a module's $kind whose generation failed for good", ({ kind, path, code }) => {
  const ask = () => send(world.learner, "GET", path(), undefined, "fr");
  /** Waits until the generation has failed for good after `runs` runs in all. */
  async function failedAfter(runs: number): Promise<void> {
    const failed = await until(
      async () => ({ failed: (await queue().getJobCounts("failed")).failed, calls: calls[kind] }),
      (s) => s.failed === 1 && s.calls >= runs,
    );
    expect(failed).toEqual({ failed: 1, calls: runs });
  }

  it("is not run again by learner requests during the cool-down: each answers 409 with retry_after", async () => {
    expect((await ask()).status).toBe(409);
    await failedAfter(1);

    for (let i = 0; i < 3; i++) {
      const res = await ask();
      expect(res.status).toBe(409);
      const body = (await res.json()) as { code: string; retry_after: number };
      expect(body.code).toBe(code);
      expect(body.retry_after).toBeGreaterThan(GENERATION_FAILURE_COOLDOWN_MS / 1000 - 60);
      expect(Number(res.headers.get("retry-after"))).toBe(body.retry_after);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue().getJobCounts("failed", "waiting", "active")).toEqual({ failed: 1, waiting: 0, active: 0 });
    expect(calls[kind]).toBe(1);
  });

  it("runs once more after the cool-down, however many requests come", async () => {
    expect((await ask()).status).toBe(409);
    await failedAfter(1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + GENERATION_FAILURE_COOLDOWN_MS + 1_000 });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(409);
    await failedAfter(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls[kind]).toBe(2);
  });
});
