/**
 * The worker's side of the metrics, on a real BullMQ worker: a job a request enqueued logs that
 * request's id on its lines (the job's own, through the process logger, those of the job it queues
 * next, and the worker's "job completed"), a job no request enqueued logs none; the worker's own
 * GET /metrics (the token, then job durations and failures by queue and job).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { enqueue } from "@sira/domain";
import { createLogger } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generationJobId } from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText, lessonKey, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { metricsListener, workerMetrics } from "../../../worker/src/metrics.ts";
import { createApp } from "../../src/app.ts";
import { createAppDeps } from "../../src/deps.ts";
import { closeTestDeps, enrolledLearnerWorld, testDeps } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { parseExposition, sampleValue } from "./exposition.ts";

const TOKEN = "worker-metrics-token-0123456789-abc";

/** Every line the API and the worker log in this file, parsed. */
const lines: Record<string, unknown>[] = [];
const logger = createLogger("metrics-test", "info", {
  write: (line: string) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  },
});
const base = testDeps({ METRICS_TOKEN: TOKEN });
const deps = createAppDeps({ config: base.config, db: base.db, redis: base.redis, logger });
const app = createApp(deps);
const world = enrolledLearnerWorld(deps);

let workers: TestWorkers;
let metricsUrl = "";
const server = createServer(metricsListener(workerMetrics(deps), deps.config, logger));
beforeAll(async () => {
  workers = startTestWorkers(deps);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await workers.stop();
  await closeTestDeps();
});

const logged = (message: string) => lines.filter((line) => line.msg === message);

async function scrapeWorker() {
  const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

describe("a job's log lines", () => {
  it("carry the id of the request that enqueued it, into the job it queues next; other jobs carry none", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const requestId = `lesson-request-${crypto.randomUUID()}`;
    const path = `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`;
    const res = await app.request(path, {
      headers: { ...world.learner.headers, "accept-language": "fr", "x-request-id": requestId },
    });
    expect(res.status).toBe(202);
    expect(logged("request").find((line) => line.request_id === requestId)).toMatchObject({ path, status: 202 });

    // The French lesson, then the English one its job queued: both generated, both jobs completed.
    const generated = await until(
      async () => logged("content generated"),
      (found) => found.length >= 2,
    );
    expect(generated.map((line) => line.language).sort()).toEqual(["en", "fr"]);
    for (const line of generated) expect(line.request_id).toBe(requestId);
    const completed = await until(
      async () => logged("job completed").filter((line) => line.name === "generate"),
      (found) => found.length >= 2,
    );
    for (const line of completed) expect(line.request_id).toBe(requestId);

    // Work queued by no request (here, directly) logs no request id.
    const key = lessonKey(world.course, { level: 3 });
    await enqueue(deps, "generate", { key }, generationJobId(key));
    const third = await until(
      async () => logged("content generated"),
      (found) => found.length >= 3,
    );
    expect(third).toHaveLength(3);
    expect(third[2]).not.toHaveProperty("request_id");
    expect(
      await until(
        async () => logged("job completed").filter((line) => line.job_id === generationJobId(key)),
        (found) => found.length === 1,
      ),
    ).toEqual([expect.not.objectContaining({ request_id: expect.anything() })]);
  });
});

describe("the worker's GET /metrics", () => {
  it("refuses a scrape without the token (401), with another (403) and any other path (404), as problem+json", async () => {
    const none = await fetch(metricsUrl);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect(((await none.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    const wrong = await fetch(metricsUrl, { headers: { authorization: "Bearer not-the-token" } });
    expect(wrong.status).toBe(403);
    // In the default language (fr) unless the scraper asks for another.
    expect(await wrong.json()).toMatchObject({ code: "FORBIDDEN", detail: "Vous n'avez pas accès à cette ressource." });
    const elsewhere = await fetch(metricsUrl.replace("/metrics", "/health"), {
      headers: { authorization: `Bearer ${TOKEN}`, "accept-language": "en" },
    });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ code: "ROUTE_NOT_FOUND", detail: "This address does not exist." });
  });

  it("counts each job's attempts by queue, job and outcome, and its failures", async () => {
    const labels = (outcome: string) => ({ queue: "content-generation", job: "generate", outcome });
    const before = await scrapeWorker();
    const completedBefore = sampleValue(before, "sira_job_duration_seconds_count", labels("completed")) ?? 0;
    const failedBefore = sampleValue(before, "sira_job_duration_seconds_count", labels("failed")) ?? 0;
    const failures = { queue: "content-generation", job: "generate", final: "true" };
    const failuresBefore = sampleValue(before, "sira_job_failures_total", failures) ?? 0;

    // One lesson that can be written, and one of a course without documents: a permanent failure.
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const key = lessonKey(world.course, { level: 2 });
    await enqueue(deps, "generate", { key }, generationJobId(key));
    const bare = lessonKey(await makeCourse(deps.db));
    await enqueue(deps, "generate", { key: bare }, generationJobId(bare));
    await until(
      async () => logged("job completed").some((l) => l.job_id === generationJobId(key)),
      (done) => done,
    );
    await until(
      async () => logged("job failed").some((l) => l.job_id === generationJobId(bare)),
      (done) => done,
    );

    const after = await scrapeWorker();
    expect(sampleValue(after, "sira_job_duration_seconds_count", labels("completed"))).toBe(completedBefore + 1);
    expect(sampleValue(after, "sira_job_duration_seconds_count", labels("failed"))).toBe(failedBefore + 1);
    expect(sampleValue(after, "sira_job_failures_total", failures)).toBe(failuresBefore + 1);
    expect(sampleValue(after, "sira_dependency_up", { dependency: "redis" })).toBe(1);
    expect(sampleValue(after, "sira_db_pool_max_connections")).toBe(4);
  });
});
