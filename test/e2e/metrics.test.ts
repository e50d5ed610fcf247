/**
 * Metrics from the real processes as production starts them: the API as two node:cluster processes,
 * where a scrape that reaches either one reports both (every request counted once, each process's
 * pool summed), and the worker on its own WORKER_METRICS_PORT.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition, type Sample, sampleValue } from "../../apps/api/test/metrics/exposition.ts";
import { freePort, type Service, startService, testEnv, waitFor, waitForLog } from "./processes.ts";

const TOKEN = "cluster-metrics-token-0123456789-xyz";
const POOL_MAX = 7;

/** A GET on a connection of its own, so node:cluster hands each request to the next process in turn. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await get(url, { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  return parseExposition(res.body);
}

describe("the API behind node:cluster", () => {
  let api: Service;
  let base = "";
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = startService("api", {
      ...testEnv(),
      PORT: String(port),
      WEB_CONCURRENCY: "2",
      DATABASE_POOL_MAX: String(POOL_MAX),
      METRICS_TOKEN: TOKEN,
    });
    await waitFor(`${base}/health`, api, 120_000);
    // Both processes listen before the test counts on them.
    const listening = () => (api.output().match(/Sira API listening/g) ?? []).length;
    for (let i = 0; i < 1200 && listening() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(listening()).toBe(2);
  }, 180_000);
  afterAll(() => api?.stop());

  it("reports every process's requests and pools, whichever process answers the scrape", async () => {
    for (let i = 0; i < 20; i++) expect((await get(`${base}/api/v1/courses`)).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      const samples = await scrape(`${base}/metrics`);
      const labels = { route: "/api/v1/courses", method: "GET", status: "200" };
      expect(sampleValue(samples, "sira_http_request_duration_seconds_count", labels)).toBe(20);
      expect(sampleValue(samples, "sira_db_pool_max_connections")).toBe(2 * POOL_MAX);
      // Queue depth is the platform's: reported once, not once per process.
      expect(sampleValue(samples, "sira_queue_jobs", { queue: "maintenance", state: "active" })).toBeDefined();
    }
  }, 60_000);
});

describe("the worker's own metrics", () => {
  let worker: Service;
  let url = "";
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    worker = startService("worker", { ...testEnv(), WORKER_METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    await waitForLog(worker, "worker metrics at /metrics", 120_000);
  }, 180_000);
  afterAll(() => worker?.stop());

  it("serves them on WORKER_METRICS_PORT with the token only", async () => {
    expect((await get(url)).status).toBe(401);
    const samples = await scrape(url);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "postgres" })).toBe(1);
    expect(sampleValue(samples, "sira_dependency_up", { dependency: "redis" })).toBe(1);
    expect(samples.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);
  }, 60_000);
});
