/**
 * The session denylist against a real Redis server that this test starts, stops and restarts: an
 * entry lives as long as an access token can, a write during an outage never throws, the process
 * that missed it still refuses the session, and writes it once Redis answers again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createLogger, createRedis } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { freePort } from "@sira/infra/testing";
import { afterAll, describe, expect, it } from "vitest";
import { redisSessionDenylist, revokedSessionKey } from "../src/auth/revocation.ts";

const port = await freePort();
let server: ChildProcess | undefined;

async function startRedis(): Promise<void> {
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
}

async function stopRedis(): Promise<void> {
  const running = server;
  server = undefined;
  if (!running || running.exitCode !== null) return;
  running.kill("SIGTERM");
  await once(running, "exit");
}

/** Polls until `probe` holds; the bound only proves it does not hang. */
async function eventually(probe: () => Promise<boolean>, boundMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - start > boundMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const redis = createRedis(`redis://127.0.0.1:${port}/0`);
redis.on("error", () => {});
const db = createDb({ url: process.env.DATABASE_URL as string });
const denylist = redisSessionDenylist(redis, { ACCESS_TOKEN_TTL_SECONDS: 900 }, createLogger("test", "silent"), db);

afterAll(async () => {
  redis.disconnect();
  await db.$disconnect();
  await stopRedis();
});

describe("the session denylist", () => {
  it("keeps an entry as long as an access token lives, and survives an outage without failing open", async () => {
    await startRedis();
    await eventually(async () => (await redis.ping()) === "PONG");
    // A new Redis holds no list: until the API's start-up rebuilds it, a missing entry proves nothing.
    expect(await denylist.check(crypto.randomUUID())).toBe("unknown");
    await denylist.ensureLoaded();

    const listed = crypto.randomUUID();
    await denylist.deny([listed]);
    expect(await denylist.check(listed)).toBe("revoked");
    expect(await denylist.check(crypto.randomUUID())).toBe("live");
    const ttl = await redis.pttl(revokedSessionKey(listed));
    expect(ttl).toBeGreaterThan(900_000);
    expect(ttl).toBeLessThanOrEqual(960_000);

    await stopRedis();
    const missed = crypto.randomUUID();
    await expect(denylist.deny([missed])).resolves.toBeUndefined();
    expect(await denylist.check(missed)).toBe("unknown"); // the caller then asks the database

    await startRedis();
    await eventually(async () => (await redis.ping()) === "PONG");
    // This process still refuses the session it could not list, and lists it for every other process.
    expect(await denylist.check(missed)).toBe("revoked");
    await eventually(async () => (await redis.exists(revokedSessionKey(missed))) === 1);
  });
});
