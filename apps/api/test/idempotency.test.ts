/**
 * Offline replay on the real app and database: `Idempotency-Key` returns the first answer without
 * doing the work twice, and `X-Offline-Queued-At` records when the learner really acted.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "@sira/contracts";
import type { MiddlewareHandler } from "hono";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import type { AppDeps, AppEnv } from "../src/app-types.ts";
import { routeMiddleware } from "../src/definition/rest.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

/** What /test/slow waits for: set by the test that needs a request still running. */
let slowWork: () => Promise<void> = async () => {};

/**
 * Test-only mutations, on the route middleware a public mutation's definition gets; each counts its
 * runs in Redis so a test can tell whether the work ran.
 */
function mountCounters(app: App): void {
  const [idempotent] = routeMiddleware({ method: "post", auth: "public" }) as [MiddlewareHandler<AppEnv>];
  app.post("/test/reviews", idempotent, async (c) => {
    const runs = await c.get("deps").redis.incr("runs:reviews");
    return c.json({ runs, body: await c.req.json(), occurred_at: c.get("occurredAt").toISOString() }, 201);
  });
  app.post("/test/flaky", idempotent, async (c) => {
    const runs = await c.get("deps").redis.incr("runs:flaky");
    if (runs === 1) throw new Error("connection reset by peer");
    return c.json({ runs }, 201);
  });
  app.post("/test/refused", idempotent, async (c) => {
    await c.get("deps").redis.incr("runs:refused");
    throw new AppError("CONFLICT");
  });
  app.post("/test/slow", idempotent, async (c) => {
    await slowWork();
    return c.json({ done: true }, 201);
  });
}

const newKey = () => `review-${randomUUID()}`;
const json = { "content-type": "application/json" };

async function runs(deps: AppDeps, name: string): Promise<number> {
  return Number((await deps.redis.get(`runs:${name}`)) ?? 0);
}

const { app, deps } = testApp();
mountCounters(app);

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> | Response {
  return app.request(path, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });
}

beforeEach(resetState);
afterAll(closeTestDeps);

describe("Idempotency-Key", () => {
  it("replays the first answer without doing the work again", async () => {
    const key = newKey();
    const first = await post("/test/reviews", { card: 1, rating: 3 }, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();

    const replay = await post("/test/reviews", { card: 1, rating: 3 }, { "idempotency-key": key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("content-type")).toBe("application/json");
    expect(await replay.json()).toEqual(firstBody);
    expect(await runs(deps, "reviews")).toBe(1);

    const stored = await deps.db.idempotencyKey.findMany({ where: { key } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ scope: "ip:local", method: "POST", path: "/test/reviews", statusCode: 201 });
  });

  it("runs requests with different keys, or none, each time", async () => {
    await post("/test/reviews", { card: 1 }, { "idempotency-key": newKey() });
    await post("/test/reviews", { card: 1 }, { "idempotency-key": newKey() });
    await post("/test/reviews", { card: 1 });
    await post("/test/reviews", { card: 1 });
    expect(await runs(deps, "reviews")).toBe(4);
  });

  it("refuses the same key on a different body or path with IDEMPOTENCY_KEY_REUSED", async () => {
    const key = newKey();
    expect((await post("/test/reviews", { card: 1, rating: 3 }, { "idempotency-key": key })).status).toBe(201);

    const otherBody = await post("/test/reviews", { card: 1, rating: 4 }, { "idempotency-key": key });
    expect(otherBody.status).toBe(422);
    expect(otherBody.headers.get("content-type")).toBe("application/problem+json");
    expect(await otherBody.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });

    const otherPath = await post("/test/reviews?dry_run=1", { card: 1, rating: 3 }, { "idempotency-key": key });
    expect(otherPath.status).toBe(422);
    expect(await runs(deps, "reviews")).toBe(1);
  });

  it("releases the key after a server failure so the retry really runs", async () => {
    const key = newKey();
    const failed = await post("/test/flaky", {}, { "idempotency-key": key });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: "INTERNAL" });

    const retried = await post("/test/flaky", {}, { "idempotency-key": key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await retried.json()).toEqual({ runs: 2 });

    const replayed = await post("/test/flaky", {}, { "idempotency-key": key });
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await replayed.json()).toEqual({ runs: 2 });
    expect(await runs(deps, "flaky")).toBe(2);
  });

  it("replays a refusal (4xx) as the same problem", async () => {
    const key = newKey();
    const first = await post("/test/refused", {}, { "idempotency-key": key });
    expect(first.status).toBe(409);
    const problem = await first.json();
    expect(problem).toMatchObject({ code: "CONFLICT" });

    const replay = await post("/test/refused", {}, { "idempotency-key": key });
    expect(replay.status).toBe(409);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("content-type")).toBe("application/problem+json");
    expect(await replay.json()).toEqual(problem);
    expect(await runs(deps, "refused")).toBe(1);
  });

  it("refuses a duplicate that arrives while the first is still running", async () => {
    const key = newKey();
    let entered = () => {};
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    slowWork = async () => {
      entered();
      await finished;
    };

    const first = post("/test/slow", {}, { "idempotency-key": key });
    await inHandler;
    const duplicate = await post("/test/slow", {}, { "idempotency-key": key });
    finish();
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get("retry-after")).toBe("2");
    expect(await duplicate.json()).toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS" });
    expect((await first).status).toBe(201);
  });

  it.each([
    ["too short", "abc1234"],
    ["too long", "k".repeat(129)],
    ["with spaces", "review 2025 06 01"],
    ["not ASCII", "révision-0001"],
  ])("refuses a key %s with INVALID_IDEMPOTENCY_KEY, doing nothing", async (_, key) => {
    const res = await post("/test/reviews", { card: 1 }, { "idempotency-key": key });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "INVALID_IDEMPOTENCY_KEY" });
    expect(await runs(deps, "reviews")).toBe(0);
  });
});

describe("Idempotency-Key between clients", () => {
  const proxied = testApp({ TRUST_PROXY_HOPS: "1" });
  mountCounters(proxied.app);
  const send = (ip: string, key: string) =>
    proxied.app.request("/test/reviews", {
      method: "POST",
      headers: { ...json, "idempotency-key": key, "x-forwarded-for": ip },
      body: JSON.stringify({ card: 1 }),
    });

  it("never hands one client's stored answer to another who guesses the key", async () => {
    const key = newKey();
    expect((await send("198.51.100.7", key)).status).toBe(201);
    const other = await send("198.51.100.8", key);
    expect(other.status).toBe(201);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect(await runs(proxied.deps, "reviews")).toBe(2);
  });
});

describe("X-Offline-Queued-At", () => {
  const minutes = (n: number) => n * 60_000;
  const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const occurredAt = async (res: Response) => new Date(((await res.json()) as { occurred_at: string }).occurred_at);

  it("records the request at the time the learner really acted", async () => {
    const queuedAt = at(-minutes(120));
    const res = await post("/test/reviews", { card: 1 }, { "x-offline-queued-at": queuedAt });
    expect(res.status).toBe(201);
    expect((await occurredAt(res)).toISOString()).toBe(queuedAt);
  });

  it("uses the server's clock without the header", async () => {
    const before = Date.now();
    const res = await post("/test/reviews", { card: 1 });
    const when = (await occurredAt(res)).getTime();
    expect(when).toBeGreaterThanOrEqual(before);
    expect(when).toBeLessThanOrEqual(Date.now());
  });

  it("clamps a phone clock slightly ahead to the server's now", async () => {
    const res = await post("/test/reviews", { card: 1 }, { "x-offline-queued-at": at(minutes(2)) });
    expect(res.status).toBe(201);
    expect((await occurredAt(res)).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it.each([
    ["beyond the clock skew in the future", () => at(minutes(6))],
    ["older than the replay window", () => at(-31 * 24 * minutes(60))],
    ["not a timestamp", () => "yesterday"],
    ["an impossible date", () => "2025-02-30T10:00:00Z"],
  ])("refuses a time %s with INVALID_OFFLINE_TIMESTAMP, doing nothing", async (_, header) => {
    const res = await post("/test/reviews", { card: 1 }, { "x-offline-queued-at": header() });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "INVALID_OFFLINE_TIMESTAMP" });
    expect(await runs(deps, "reviews")).toBe(0);
  });

  it("does not burn the idempotency key of a request it refuses", async () => {
    const key = newKey();
    const refused = await post("/test/reviews", { card: 1 }, { "idempotency-key": key, "x-offline-queued-at": "soon" });
    expect(refused.status).toBe(400);
    const queuedAt = at(-minutes(5));
    const accepted = await post(
      "/test/reviews",
      { card: 1 },
      { "idempotency-key": key, "x-offline-queued-at": queuedAt },
    );
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get("idempotent-replayed")).toBeNull();
    expect((await occurredAt(accepted)).toISOString()).toBe(queuedAt);
  });

  it("is ignored on reads", async () => {
    const res = await app.request("/health", { headers: { "x-offline-queued-at": "yesterday" } });
    expect(res.status).toBe(200);
  });
});
