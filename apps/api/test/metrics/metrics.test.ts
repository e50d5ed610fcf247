/**
 * GET /metrics on the real app, PostgreSQL and Redis: who may scrape (the bearer METRICS_TOKEN
 * only; 404 when none is set), HTTP latency by route template and status that grows with each
 * request, queue depth as BullMQ holds it, dependencies and the pool, the language model's use over
 * the last 24 hours and the last ledger check.
 */
import { enqueue, runLedgerReconciliation, storeGeneratedContent } from "@sira/domain";
import { getQueue, jobIdFor } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonKey, makeCourse, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, resetRedis, resetState, signIn, testApp } from "../helpers.ts";
import { parseExposition, type Sample, sampleValue } from "./exposition.ts";

const TOKEN = "metrics-token-0123456789-abcdefghij";
const bearer = { authorization: `Bearer ${TOKEN}` };
afterAll(closeTestDeps);

type App = ReturnType<typeof testApp>["app"];

async function scrape(app: App): Promise<Sample[]> {
  const res = await app.request("/metrics", { headers: bearer });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(await res.text());
}

const requests = (samples: Sample[], route: string, status: string, method = "GET") =>
  sampleValue(samples, "sira_http_request_duration_seconds_count", { route, method, status }) ?? 0;

describe("GET /metrics without METRICS_TOKEN", () => {
  const { app } = testApp({ METRICS_TOKEN: "" });

  it("does not exist: 404 as problem+json, like any unknown address", async () => {
    const res = await app.request("/metrics", { headers: bearer });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("ROUTE_NOT_FOUND");
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  const { app, deps } = testApp({ METRICS_TOKEN: TOKEN, METRICS_CACHE_MS: "0", RATE_LIMIT_PER_MINUTE: "100000" });
  beforeAll(resetState);

  it("refuses a scrape without the token (401) or with another one (403), as problem+json", async () => {
    const none = await app.request("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    expect(((await none.json()) as { code: string }).code).toBe("UNAUTHENTICATED");

    const wrong = await app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { code: string; detail: string }).code).toBe("FORBIDDEN");

    // A user's access token, even an admin's, is not the scraper's.
    const admin = await signIn(deps, { role: "admin" });
    const asAdmin = await app.request("/metrics", { headers: admin.headers });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers gzip to a scraper that accepts it", async () => {
    const res = await app.request("/metrics", { headers: { ...bearer, "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it("counts requests by route template, method and status, never by raw path, and the counts grow", async () => {
    const before = await scrape(app);
    const slug = `no-such-course-${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await app.request("/api/v1/courses")).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await app.request(`/api/v1/courses/${slug}`)).status).toBe(404);
    expect((await app.request(`/no/such/${slug}`)).status).toBe(404);
    expect((await app.request("/trpc/system.health")).status).toBe(200);
    expect((await app.request("/trpc/system.health,system.time?batch=1&input={}")).status).toBe(200);

    const after = await scrape(app);
    expect(requests(after, "/api/v1/courses", "200")).toBe(requests(before, "/api/v1/courses", "200") + 3);
    expect(requests(after, "/api/v1/courses/:id_or_slug", "404")).toBe(
      requests(before, "/api/v1/courses/:id_or_slug", "404") + 2,
    );
    expect(requests(after, "unmatched", "404")).toBe(requests(before, "unmatched", "404") + 1);
    expect(requests(after, "/trpc/system.health", "200")).toBe(requests(before, "/trpc/system.health", "200") + 1);
    // A batch is one request of the tRPC endpoint, whatever it holds.
    expect(requests(after, "/trpc/*", "200")).toBe(requests(before, "/trpc/*", "200") + 1);
    // Each scrape is a request too.
    expect(requests(after, "/metrics", "200")).toBe(requests(before, "/metrics", "200") + 1);

    const latency = after.filter((s) => s.name.startsWith("sira_http_request_duration_seconds"));
    expect(latency.some((s) => Object.values(s.labels).some((v) => v.includes(slug)))).toBe(false);
    const courses = { route: "/api/v1/courses", method: "GET", status: "200" };
    expect(sampleValue(after, "sira_http_request_duration_seconds_bucket", { ...courses, le: "+Inf" })).toBe(
      requests(after, "/api/v1/courses", "200"),
    );
    expect(sampleValue(after, "sira_http_request_duration_seconds_sum", courses)).toBeGreaterThan(0);

    await app.request("/api/v1/courses");
    expect(requests(await scrape(app), "/api/v1/courses", "200")).toBe(requests(after, "/api/v1/courses", "200") + 1);
  });

  it("reports each queue's depth as BullMQ holds it", async () => {
    await resetRedis();
    const empty = await scrape(app);
    expect(sampleValue(empty, "sira_queue_jobs", { queue: "syllabus-generation", state: "waiting" })).toBe(0);
    expect(empty.filter((s) => s.name === "sira_queue_jobs")).toHaveLength(11 * 4);

    // No worker runs in this file: queued jobs stay where the API put them.
    for (const proposalId of [crypto.randomUUID(), crypto.randomUUID()]) {
      await enqueue(deps, "generate-structure", { proposalId }, jobIdFor("structure", proposalId));
    }
    await getQueue("maintenance", { prefix: deps.config.QUEUE_PREFIX }).add("cleanup-rows", {}, { delay: 3_600_000 });
    const queued = await scrape(app);
    expect(sampleValue(queued, "sira_queue_jobs", { queue: "syllabus-generation", state: "waiting" })).toBe(2);
    expect(sampleValue(queued, "sira_queue_jobs", { queue: "maintenance", state: "delayed" })).toBe(1);
    expect(sampleValue(queued, "sira_queue_jobs", { queue: "maintenance", state: "waiting" })).toBe(0);

    const proposalId = crypto.randomUUID();
    await enqueue(deps, "generate-structure", { proposalId }, jobIdFor("structure", proposalId));
    const more = await scrape(app);
    expect(sampleValue(more, "sira_queue_jobs", { queue: "syllabus-generation", state: "waiting" })).toBe(3);
  });

  it("reports the database pool, PostgreSQL and Redis, open event streams and the process", async () => {
    const samples = await scrape(app);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "postgres" })).toBe(1);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "redis" })).toBe(1);
    expect(sampleValue(samples, "sira_db_pool_max_connections")).toBe(4);
    const busy = sampleValue(samples, "sira_db_pool_connections", { state: "busy" }) ?? -1;
    const idle = sampleValue(samples, "sira_db_pool_connections", { state: "idle" }) ?? -1;
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(busy + idle).toBeLessThanOrEqual(4);
    expect(sampleValue(samples, "sira_db_pool_waiting_queries")).toBe(0);
    expect(sampleValue(samples, "sira_sse_open_streams")).toBe(0);
    expect(sampleValue(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});

describe("GET /metrics with Redis down", () => {
  const { app } = testApp({ METRICS_TOKEN: TOKEN, REDIS_URL: "redis://127.0.0.1:6390" });

  it("still answers, with Redis down and PostgreSQL up", async () => {
    const samples = await scrape(app);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "redis" })).toBe(0);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "postgres" })).toBe(1);
  });
});

describe("the language model's use and the ledger check", () => {
  const before = testApp({ METRICS_TOKEN: TOKEN });
  const after = testApp({ METRICS_TOKEN: TOKEN });

  beforeAll(async () => {
    await resetState();
    // Nothing yet: the figures are 0 and no ledger check has run.
    const empty = await scrape(before.app);
    expect(sampleValue(empty, "sira_ai_tokens_24h", { feature: "tutor", direction: "input" })).toBe(0);
    expect(sampleValue(empty, "sira_ledger_check", { result: "balanced" })).toBeUndefined();
    expect(sampleValue(empty, "sira_ledger_check", { result: "drift" })).toBeUndefined();
    expect(sampleValue(empty, "sira_ledger_checked_timestamp_seconds")).toBe(0);

    const { db, redis, logger } = after.deps;
    const course = await makeCourse(db);
    const learner = await signIn(after.deps, { role: "learner" });
    // A lesson written by the model: its token usage is stored with it, as the generator reports it.
    const lesson = sampleLesson();
    await storeGeneratedContent(db, lessonKey(course), {
      content: lesson,
      sourcesCited: [],
      model: "claude-sonnet-4-5",
      metadata: { offline: false, usage: { inputTokens: 1200, outputTokens: 300 } },
    });
    // Two tutor answers as the answer job records them; one of them two days ago.
    const answer = (tokensIn: number, tokensOut: number, costMicros: number, occurredAt = new Date()) =>
      db.usageEvent.create({
        data: {
          userId: learner.userId,
          courseId: course.courseId,
          kind: "tutor_message",
          occurredAt,
          metadata: { model: "claude-sonnet-4-5", tokens_in: tokensIn, tokens_out: tokensOut, cost_micros: costMicros },
        },
      });
    await answer(500, 100, 3000);
    await answer(9000, 9000, 900_000, new Date(Date.now() - 2 * 86_400_000));
    await runLedgerReconciliation({ db, redis, logger });
  });

  it("reports tokens, cost and results of the last 24 hours by feature", async () => {
    const samples = await scrape(after.app);
    const tokens = (feature: string, direction: string) =>
      sampleValue(samples, "sira_ai_tokens_24h", { feature, direction });
    expect(tokens("tutor", "input")).toBe(500);
    expect(tokens("tutor", "output")).toBe(100);
    expect(sampleValue(samples, "sira_ai_cost_usd_24h", { feature: "tutor" })).toBeCloseTo(0.003, 9);
    expect(sampleValue(samples, "sira_ai_results_24h", { feature: "tutor" })).toBe(1);
    expect(tokens("generation", "input")).toBe(1200);
    expect(tokens("generation", "output")).toBe(300);
    // At the default prices: $3 and $15 per million input and output tokens.
    expect(sampleValue(samples, "sira_ai_cost_usd_24h", { feature: "generation" })).toBeCloseTo(0.0081, 9);
    expect(sampleValue(samples, "sira_ai_results_24h", { feature: "generation" })).toBe(1);
  });

  it("reports the last ledger check: balanced, no drift, and when it ran", async () => {
    const samples = await scrape(after.app);
    expect(sampleValue(samples, "sira_ledger_check", { result: "balanced" })).toBe(1);
    expect(sampleValue(samples, "sira_ledger_check", { result: "drift" })).toBe(0);
    for (const kind of ["accounts", "postings", "negative", "chains"]) {
      expect(sampleValue(samples, "sira_ledger_drift", { kind })).toBe(0);
    }
    const checkedAt = sampleValue(samples, "sira_ledger_checked_timestamp_seconds") ?? 0;
    expect(checkedAt).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(checkedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });
});
