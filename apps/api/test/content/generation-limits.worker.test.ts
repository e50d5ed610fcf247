/**
 * A lesson whose generation failed for good, on a real BullMQ worker whose provider refuses the
 * request: a learner's request that runs it again is a new generation, counted against their daily
 * quota (429 past it, and the job is left failed), and its stream starts clean instead of replaying
 * the failed run's error.
 */
import type { ContentGenerator } from "@sira/ai";
import { PermanentJobError } from "@sira/domain";
import { getQueue } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generationJobId } from "../../../../packages/domain/src/content/index.ts";
import { enroll, indexMarketText, lessonKey } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, SseReader, signIn, testApp } from "../helpers.ts";
import { until } from "../workers.ts";

const { app, deps } = testApp({ GENERATION_DAILY_QUOTA: "1" });
const queue = () => getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
const world = enrolledLearnerWorld(deps);

/** The offline generator, behind a provider that refuses every lesson while `refusing` holds. */
let refusing = true;
let lessonCalls = 0;
const offline = deps.ai.generator;
const generator: ContentGenerator = Object.assign(Object.create(offline) as ContentGenerator, {
  lesson: (...args: Parameters<ContentGenerator["lesson"]>) => {
    lessonCalls += 1;
    if (refusing) return Promise.reject(new PermanentJobError("the provider refused the request"));
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
  refusing = true;
  lessonCalls = 0;
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeTestDeps();
});

const lessonPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`;
const askLesson = (user: SignedIn, suffix = "") =>
  app.request(`${lessonPath()}${suffix}`, { headers: { ...user.headers, "accept-language": "fr" } });
const jobId = () => generationJobId(lessonKey(world.course, { language: "fr", country: "SN" }));

/** Waits until the lesson's job has failed `runs` times in all. */
async function failedRuns(runs: number): Promise<void> {
  const state = await until(
    async () => ({ state: await queue().getJobState(jobId()), calls: lessonCalls }),
    (s) => s.state === "failed" && s.calls >= runs,
  );
  expect(state).toEqual({ state: "failed", calls: runs });
}

/** Another learner of the course asked first, and the generation failed for good. */
async function failedByAnother(): Promise<void> {
  const other = await signIn(deps, { role: "learner", country: "SN" });
  await enroll(deps.db, other.userId, world.course.courseId);
  expect((await askLesson(other)).status).toBe(202);
  await failedRuns(1);
}

describe("a lesson whose generation failed for good", () => {
  it("is run again only against the learner's quota: the next request past it gets 429 and runs nothing", async () => {
    await failedByAnother();
    expect((await askLesson(world.learner)).status).toBe(202);
    await failedRuns(2);

    const refused = await askLesson(world.learner);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "GENERATION_QUOTA_EXCEEDED" });
    expect((await askLesson(world.learner, "/stream")).status).toBe(429);
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue().getJobState(jobId())).toBe("failed");
    expect(lessonCalls).toBe(2);
  });

  it("charges one of six learners asking at once for the new run, and runs it once", async () => {
    await failedByAnother();
    const others = await Promise.all(
      [1, 2, 3, 4, 5].map(async () => {
        const other = await signIn(deps, { role: "learner", country: "SN" });
        await enroll(deps.db, other.userId, world.course.courseId);
        return other;
      }),
    );
    const learners = [world.learner, ...others];
    // The worker holds the new run queued until every learner has asked.
    const [worker] = workers;
    await worker?.pause();
    try {
      const asked = await Promise.all(learners.map((l) => askLesson(l)));
      expect(asked.map((r) => r.status)).toEqual(Array(6).fill(202));
    } finally {
      worker?.resume();
    }
    await failedRuns(2);
    // Each asks again alone: only the one charged for the shared run is past the quota.
    let runs = 2;
    const again: number[] = [];
    for (const learner of learners) {
      const res = await askLesson(learner);
      again.push(res.status);
      if (res.status === 202) await failedRuns(++runs);
    }
    expect(again.sort()).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it("streams the new run to a reader who opens it after the request, not the failed run's error", async () => {
    await failedByAnother();
    const [worker] = workers;
    await worker?.pause();
    try {
      expect((await askLesson(world.learner)).status).toBe(202);
      const res = await askLesson(world.learner, "/stream");
      expect(res.status).toBe(200);
      const reader = new SseReader(res.body);
      await reader.until((f) => f.event === "meta");
      refusing = false;
      worker?.resume();
      const frames = await reader.rest();
      expect(frames.some((f) => f.event === "error")).toBe(false);
      expect(frames.at(-1)?.event).toBe("done");
    } finally {
      worker?.resume();
    }
  });
});
