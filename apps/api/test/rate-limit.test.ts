/**
 * The per-network rate limit: counted in Redis (shared by every API process), each call of a tRPC
 * batch counted, 429 + Retry-After past the limit, /health exempt and /health/ready on its own
 * budget, IPv6 clients counted by their /64, and — while Redis is down — a per-process in-memory
 * window with the same limit (the documented fallback: the API stays up and still throttles).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { proxyTrustCheck } from "../src/http/proxy-trust.ts";
import { clientAddress, trustedHops } from "../src/http/request-context.ts";
import { apiOnPort, closeTestDeps, resetRedis, testApp } from "./helpers.ts";

const LIMIT = { RATE_LIMIT_PER_MINUTE: "3", READY_RATE_LIMIT_PER_MINUTE: "2" };

function withPing(app: App): App {
  app.get("/test/ping", (c) => c.json({ pong: true }));
  return app;
}

function ping(app: App, headers: Record<string, string> = {}): Promise<Response> | Response {
  return app.request("/test/ping", { headers });
}

async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get("ratelimit-remaining")).toBe("0");
  expect(await res.json()).toMatchObject({ code: "RATE_LIMITED", retry_after: retryAfter });
}

beforeEach(resetRedis);
afterAll(closeTestDeps);

describe("with Redis", () => {
  const limited = testApp(LIMIT);
  const app = withPing(limited.app);

  it("lets the limit through, counting down, then answers 429 with Retry-After", async () => {
    for (const remaining of ["2", "1", "0"]) {
      const res = await ping(app);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-remaining")).toBe(remaining);
    }
    await expectRateLimited(await ping(app));
  });

  it("keeps counting after Redis forgets its scripts (a restart or SCRIPT FLUSH)", async () => {
    expect((await ping(app)).headers.get("ratelimit-remaining")).toBe("2");
    await limited.deps.redis.script("FLUSH");
    expect((await ping(app)).headers.get("ratelimit-remaining")).toBe("1");
    expect((await ping(app)).headers.get("ratelimit-remaining")).toBe("0");
    await expectRateLimited(await ping(app));
  });

  it("never limits /health, and gives /health/ready its own budget", async () => {
    for (let i = 0; i < 4; i++) await ping(app);
    await expectRateLimited(await ping(app));
    for (let i = 0; i < 5; i++) expect((await app.request("/health")).status).toBe(200);
    // The API's budget is spent, yet readiness answers (200, or 503 if PostgreSQL is slow to connect
    // on a loaded machine: either way not limited): it counts apart...
    for (const remaining of ["1", "0"]) {
      const ready = await app.request("/health/ready");
      expect(ready.status).not.toBe(429);
      expect(ready.headers.get("ratelimit-remaining")).toBe(remaining);
    }
    // ...and has a limit of its own, since each check queries PostgreSQL and Redis.
    await expectRateLimited(await app.request("/health/ready"));
    expect((await app.request("/health")).status).toBe(200);
  });

  it("counts each call of a tRPC batch, not each request", async () => {
    const pair = await app.request("/trpc/system.health%2Csystem.health?batch=1");
    expect(pair.status).toBe(200);
    expect(pair.headers.get("ratelimit-remaining")).toBe("1");
    // Two more calls do not fit in what is left: refused before either runs.
    await expectRateLimited(await app.request("/trpc/system.health,system.health?batch=1"));
  });

  it("shares one count between API processes through Redis", async () => {
    const other = withPing(testApp(LIMIT).app);
    expect((await ping(app)).status).toBe(200);
    expect((await ping(other)).status).toBe(200);
    expect((await ping(app)).status).toBe(200);
    await expectRateLimited(await ping(other));
  });

  it("does not let a client dodge the limit with X-Forwarded-For unless the proxy is trusted", async () => {
    for (let i = 1; i <= 3; i++) expect((await ping(app, { "x-forwarded-for": `203.0.113.${i}` })).status).toBe(200);
    await expectRateLimited(await ping(app, { "x-forwarded-for": "203.0.113.99" }));
  });
});

describe("clientAddress", () => {
  it.each([
    ["no trusted proxy: the socket, whatever the header says", "203.0.113.9", 0, "10.0.0.5"],
    ["one proxy: the address it appended", "203.0.113.9", 1, "203.0.113.9"],
    ["one proxy: a forged prefix is ignored", "6.6.6.6, 203.0.113.9", 1, "203.0.113.9"],
    ["two proxies: the address the outer one saw", "6.6.6.6, 203.0.113.9, 10.1.0.2", 2, "203.0.113.9"],
    ["more hops than entries: the furthest entry", "203.0.113.9", 3, "203.0.113.9"],
    ["no header: the socket", undefined, 1, "10.0.0.5"],
  ])("%s", (_, forwardedFor, hops, expected) => {
    expect(clientAddress(forwardedFor, "10.0.0.5", hops)).toBe(expected);
  });
});

describe("trustedHops", () => {
  it("trusts every peer without TRUST_PROXY_ADDRESSES, and only the named ones with it", () => {
    expect(trustedHops(1, [])("203.0.113.9")).toBe(1);
    const hops = trustedHops(1, ["127.0.0.1", "2001:db8::10"]);
    expect(hops("127.0.0.1")).toBe(1);
    expect(hops("::ffff:127.0.0.1")).toBe(1);
    expect(hops("2001:db8::10")).toBe(1);
    expect(hops("203.0.113.9")).toBe(0);
    expect(hops("::ffff:203.0.113.9")).toBe(0);
  });
});

describe("with the proxy's address named (TRUST_PROXY_ADDRESSES)", () => {
  const courses = (base: string, forwardedFor: string) =>
    fetch(`${base}/api/v1/courses`, { headers: { "x-forwarded-for": forwardedFor } });
  const fromProxy = apiOnPort({ ...LIMIT, TRUST_PROXY_HOPS: "1", TRUST_PROXY_ADDRESSES: "127.0.0.1,::1" });
  const fromElsewhere = apiOnPort({ ...LIMIT, TRUST_PROXY_HOPS: "1", TRUST_PROXY_ADDRESSES: "192.0.2.1" });

  it("counts the clients a listed proxy forwards separately", async () => {
    for (let i = 0; i < 3; i++) expect((await courses(fromProxy.base, "198.51.100.7")).status).toBe(200);
    await expectRateLimited(await courses(fromProxy.base, "198.51.100.7"));
    expect((await courses(fromProxy.base, "198.51.100.8")).status).toBe(200);
  });

  it("ignores X-Forwarded-For from any other caller: it counts by its socket", async () => {
    for (let i = 0; i < 3; i++) expect((await courses(fromElsewhere.base, `198.51.100.${i}`)).status).toBe(200);
    await expectRateLimited(await courses(fromElsewhere.base, "198.51.100.99"));
  });
});

describe("behind a trusted proxy", () => {
  const app = withPing(testApp({ ...LIMIT, TRUST_PROXY_HOPS: "1" }).app);

  it("counts each client address separately", async () => {
    const alice = { "x-forwarded-for": "198.51.100.7" };
    const bob = { "x-forwarded-for": "198.51.100.8" };
    for (let i = 0; i < 3; i++) expect((await ping(app, alice)).status).toBe(200);
    await expectRateLimited(await ping(app, alice));
    const res = await ping(app, bob);
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-remaining")).toBe("2");
  });

  it("counts an IPv6 client by its /64: new addresses inside it do not reset the count", async () => {
    for (let i = 1; i <= 3; i++)
      expect((await ping(app, { "x-forwarded-for": `2c0f:f5c0:441:12::${i}` })).status).toBe(200);
    await expectRateLimited(await ping(app, { "x-forwarded-for": "2c0f:f5c0:441:12:ffff:ffff:ffff:1" }));
    expect((await ping(app, { "x-forwarded-for": "2c0f:f5c0:441:13::1" })).status).toBe(200);
  });

  it("does not let a client reset its count by forging an X-Forwarded-For prefix", async () => {
    for (let i = 0; i < 3; i++) await ping(app, { "x-forwarded-for": "198.51.100.7" });
    await expectRateLimited(await ping(app, { "x-forwarded-for": "203.0.113.50, 198.51.100.7" }));
  });
});

describe("with Redis down", () => {
  const app = withPing(testApp({ ...LIMIT, REDIS_URL: "redis://127.0.0.1:6390" }).app);

  it("falls back to an in-memory window with the same limit", async () => {
    for (const remaining of ["2", "1", "0"]) {
      const res = await ping(app);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-remaining")).toBe(remaining);
    }
    await expectRateLimited(await ping(app));
    expect((await app.request("/health")).status).toBe(200);
  });
});

describe("TRUST_PROXY_HOPS", () => {
  function recorder() {
    const lines: [string, string][] = [];
    const log = {
      info: (_: object, message: string) => lines.push(["info", message]),
      warn: (_: object, message: string) => lines.push(["warn", message]),
    };
    return { lines, log };
  }

  it("is logged when the app starts, and a forwarded request under 0 hops is warned about once", () => {
    const { lines, log } = recorder();
    const check = proxyTrustCheck(log, 0);
    expect(lines).toEqual([["info", expect.stringContaining("TRUST_PROXY_HOPS=0")]]);
    check(undefined);
    expect(lines).toHaveLength(1);
    check("198.51.100.7");
    check("198.51.100.8");
    expect(lines.slice(1)).toEqual([["warn", expect.stringContaining("set TRUST_PROXY_HOPS")]]);
  });

  it("warns once when a request has fewer X-Forwarded-For entries than trusted proxies", () => {
    const { lines, log } = recorder();
    const check = proxyTrustCheck(log, 2);
    expect(lines).toEqual([["info", "client address: entry 2 from the right of X-Forwarded-For"]]);
    check("198.51.100.7, 10.0.0.2");
    expect(lines).toHaveLength(1);
    check("198.51.100.7");
    check(undefined);
    expect(lines.slice(1)).toEqual([["warn", expect.stringContaining("fewer X-Forwarded-For entries")]]);
  });
});
