/**
 * End to end: the API listening on a port and a real BullMQ worker process, talking to the real
 * PostgreSQL and Redis, called the way the PWA calls them.
 */
import type { AppRouter } from "@sira/api/router";
import { getQueue, jobIdFor } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type Service, startService, waitFor, waitForLog } from "./processes.ts";

const env = () => ({
  DATABASE_URL: process.env.DATABASE_URL as string,
  REDIS_URL: process.env.REDIS_URL as string,
  QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
});

let api: Service;
let baseUrl: string;
const db = createDb({ url: process.env.DATABASE_URL as string });

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  api = startService("api", { ...env(), PORT: String(port) });
  await waitFor(`${baseUrl}/health`, api);
});

afterAll(async () => {
  expect(await api.stop()).toBe(0);
  await db.$disconnect();
});

describe("the running API", () => {
  it("answers the PWA's typed tRPC client (typed only by the AppRouter type from @sira/api/router)", async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc` })] });
    const [health, ready] = await Promise.all([client.system.health.query(), client.system.ready.query()]);
    expect(health).toEqual({ status: "healthy", service: "sira-api" });
    expect(ready).toEqual({ status: "ready", checks: { postgres: "up", redis: "up", totp_keys: "up" } });
  });

  it("serves /health, /docs and /openapi.json over HTTP", async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toEqual({ status: "healthy", service: "sira-api" });

    const docs = await fetch(`${baseUrl}/docs`);
    expect(docs.headers.get("content-type")).toMatch(/text\/html/);
    expect(await docs.text()).toContain("/docs/assets/swagger-ui-bundle.js");
    expect(await (await fetch(`${baseUrl}/docs/assets/init.js`)).text()).toContain('"/openapi.json"');
    const bundle = await fetch(`${baseUrl}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);

    const spec = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(spec.openapi).toBe("3.1.0");
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/health", "/health/ready"]));
  });

  it("compresses large JSON for clients that accept brotli", async () => {
    const res = await fetch(`${baseUrl}/openapi.json`, { headers: { "accept-encoding": "br" } });
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0"); // fetch decodes brotli
  });
});

describe("with Redis stopped", () => {
  it("reports not ready (503) while liveness still answers 200", async () => {
    const port = await freePort();
    const deadRedis = `redis://127.0.0.1:${await freePort()}/0`;
    const isolated = startService("api", { ...env(), PORT: String(port), REDIS_URL: deadRedis });
    try {
      await waitFor(`http://127.0.0.1:${port}/health`, isolated);
      const live = await fetch(`http://127.0.0.1:${port}/health`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: "unavailable",
        checks: { postgres: "up", redis: "down", totp_keys: "up" },
      });
      // The rate limiter falls back to its in-memory window: ordinary requests are still served.
      const docs = await fetch(`http://127.0.0.1:${port}/openapi.json`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get("ratelimit-remaining")).toBe("99");
    } finally {
      await isolated.stop();
    }
  });
});

describe("the worker", () => {
  it("runs jobs queued while it was down, once per job id, and drains on SIGTERM", async () => {
    const expired = await db.idempotencyKey.create({
      data: {
        scope: "ip:10.0.0.1",
        key: "expired-key-1",
        method: "POST",
        path: "/api/v1/test",
        requestHash: "x".repeat(64),
        statusCode: 200,
        responseBody: { ok: true },
        createdAt: new Date(Date.now() - 2 * 3_600_000),
        expiresAt: new Date(Date.now() - 60_000),
      },
    });
    const queue = getQueue("maintenance");
    const jobId = jobIdFor("purge-expired", "e2e", Date.now());
    const first = await queue.add("purge-expired", {}, { jobId });
    const again = await queue.add("purge-expired", {}, { jobId });
    expect(again.id).toBe(first.id);
    expect(await queue.getJobCountByTypes("waiting", "prioritized")).toBeGreaterThanOrEqual(1);

    const events = new QueueEvents("maintenance", {
      connection: { url: process.env.REDIS_URL as string },
      prefix: process.env.QUEUE_PREFIX as string,
    });
    await events.waitUntilReady();
    const worker = startService("worker", env());
    try {
      await waitForLog(worker, "Sira worker started");
      const result = await first.waitUntilFinished(events, 30_000);
      // The hourly schedule registered at start-up may purge first; either way the row is gone once.
      expect(result).toEqual({
        idempotencyKeys: expect.any(Number),
        tombstones: expect.any(Number),
        authThrottles: expect.any(Number),
        authEmailQuotas: expect.any(Number),
      });
      expect(await db.idempotencyKey.findUnique({ where: { id: expired.id } })).toBeNull();
    } finally {
      expect(await worker.stop("SIGTERM")).toBe(0);
      await events.close();
      await queue.close();
    }
    expect(worker.output()).toContain("worker draining");
  });
});
