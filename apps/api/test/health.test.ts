/** Liveness answers whatever the dependencies do; readiness reports PostgreSQL and Redis. */
import { withDatabase } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

beforeEach(resetRedis);
afterAll(closeTestDeps);

describe("with PostgreSQL and Redis up", () => {
  const { app } = testApp();

  it("GET /health answers exactly the brief's body", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.text()).toBe('{"status":"healthy","service":"sira-api"}');
  });

  it("GET /health/ready is 200 and never cached", async () => {
    const res = await app.request("/health/ready");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ready", checks: { postgres: "up", redis: "up" } });
  });
});

describe("with Redis down", () => {
  const { app } = testApp({ REDIS_URL: "redis://127.0.0.1:6390" });

  it("GET /health/ready is 503 naming Redis, and /health still answers", async () => {
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", checks: { postgres: "up", redis: "down" } });
    const live = await app.request("/health");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "healthy", service: "sira-api" });
  });
});

describe("with PostgreSQL unreachable", () => {
  const url = withDatabase(process.env.DATABASE_URL ?? "", "sira_no_such_database");
  const { app } = testApp({ DATABASE_URL: url });

  it("GET /health/ready is 503 naming PostgreSQL, and /health still answers", async () => {
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", checks: { postgres: "down", redis: "up" } });
    expect((await app.request("/health")).status).toBe(200);
  });
});
