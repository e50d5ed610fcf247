/** Liveness answers whatever the dependencies do; readiness reports PostgreSQL, Redis and the TOTP keys. */
import { randomBytes } from "node:crypto";
import { enrolAuthenticator } from "@sira/domain";
import { parseConfig } from "@sira/infra";
import { truncateAll, withDatabase } from "@sira/infra/testing";
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
    expect(await res.json()).toEqual({ status: "ready", checks: { postgres: "up", redis: "up", totp_keys: "up" } });
  });
});

describe("with Redis down", () => {
  const { app } = testApp({ REDIS_URL: "redis://127.0.0.1:6390" });

  it("GET /health/ready is 503 naming Redis, and /health still answers", async () => {
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "up", redis: "down", totp_keys: "up" },
    });
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
    expect(await ready.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "down", redis: "up", totp_keys: "down" },
    });
    expect((await app.request("/health")).status).toBe(200);
  });
});

describe("with TOTP keys that cannot open the stored secrets", () => {
  const wrongKey = `1:${randomBytes(32).toString("base64")}`;
  const { app, deps } = testApp({ TOTP_ENCRYPTION_KEYS: wrongKey });

  it("GET /health/ready is 503 naming the keys (a process started while PostgreSQL was down is caught too)", async () => {
    await truncateAll(process.env.DATABASE_URL as string);
    const sealing = parseConfig(process.env);
    const user = await deps.db.user.create({
      data: { email: "keys@example.org", name: "K", preferredLanguage: "fr", country: "SN", professionalRole: "x" },
      select: { id: true, email: true },
    });
    await deps.db.$transaction((tx) =>
      enrolAuthenticator(tx, { config: sealing } as Parameters<typeof enrolAuthenticator>[1], user),
    );
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "up", redis: "up", totp_keys: "down" },
    });
    expect((await app.request("/health")).status).toBe(200);
  });
});
