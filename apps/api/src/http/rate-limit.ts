/**
 * Calls per minute per client network (an IPv4 address or an IPv6 /64), counted in Redis so that
 * every API process shares the count; a tRPC batch of N calls costs N. If Redis is unreachable,
 * each process falls back to its own in-memory window with the same limit: the API stays up and
 * still throttles, only less precisely (docs/decisions).
 */
import { AppError } from "@sira/contracts";
import { networkKey, revokedSessionKey } from "@sira/domain";
import type { Redis } from "@sira/infra";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { setResponseHeaders } from "./response-headers.ts";

const WINDOW_MS = 60_000;
// KEYS[2], when given, is a key whose existence the request needs next (the session denylist):
// asked here, it costs no round trip of its own.
const INCREMENT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
local listed = -1
if KEYS[2] then listed = redis.call('EXISTS', KEYS[2]) end
return {n, ttl, listed}`;

const DOWN = new Set(["reconnecting", "close", "end"]);

export interface Hit {
  count: number;
  resetMs: number;
  store: "redis" | "memory";
  /** Whether the extra key exists, when one was asked (Redis only). */
  listed?: boolean;
}

/** A per-process fixed window, used only while Redis cannot be reached. */
export class MemoryWindow {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  hit(key: string, cost = 1, now = Date.now()): Hit {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(key, w);
    }
    w.count += cost;
    return { count: w.count, resetMs: w.resetAt - now, store: "memory" };
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

export async function hitRedis(redis: Redis, key: string, cost = 1, existsKey?: string): Promise<Hit> {
  const [count, ttl, listed] = (
    existsKey
      ? await redis.eval(INCREMENT, 2, key, existsKey, WINDOW_MS, cost)
      : await redis.eval(INCREMENT, 1, key, WINDOW_MS, cost)
  ) as [number, number, number];
  const hit: Hit = { count, resetMs: ttl > 0 ? ttl : WINDOW_MS, store: "redis" };
  if (existsKey) hit.listed = listed === 1;
  return hit;
}

export interface RateLimitOptions {
  /** Names the counter (`sira:rl:<bucket>:<network>`), so limits with their own budget never mix. */
  bucket: string;
  limit: number;
  appliesTo: (path: string) => boolean;
  /** What one request costs: 1, or the number of calls it carries. */
  cost?: (url: string) => number;
  /**
   * The session the request's bearer token names (not yet verified), if any: the limiter reads
   * its denylist entry in the same round trip and leaves the answer in `sessionListed`.
   */
  claimedSession?: (c: Context<AppEnv>) => string | null;
}

export function rateLimit(options: RateLimitOptions) {
  const memory = new MemoryWindow();
  let warned = false;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!options.appliesTo(c.req.path)) return next();
    const { redis } = c.get("deps");
    const key = `sira:rl:${options.bucket}:${networkKey(c.get("clientIp"))}`;
    const cost = options.cost?.(c.req.url) ?? 1;
    let hit: Hit;
    try {
      // Mid-outage the client sits in "reconnecting": don't make every request wait for a timeout.
      if (DOWN.has(redis.status)) throw new Error(`redis is ${redis.status}`);
      const sessionId = options.claimedSession?.(c) ?? null;
      hit = await hitRedis(redis, key, cost, sessionId ? revokedSessionKey(sessionId) : undefined);
      if (sessionId && hit.listed !== undefined) c.set("sessionListed", { sessionId, listed: hit.listed });
      warned = false;
    } catch (error) {
      if (!warned) c.get("log").warn({ err: error }, "rate limiter: Redis unreachable, using in-memory window");
      warned = true;
      hit = memory.hit(key, cost);
    }
    const resetSeconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
    const headers = {
      "ratelimit-limit": String(options.limit),
      "ratelimit-remaining": String(Math.max(0, options.limit - hit.count)),
      "ratelimit-reset": String(resetSeconds),
    };
    if (hit.count > options.limit) {
      for (const [k, v] of Object.entries(headers)) c.header(k, v);
      throw new AppError("RATE_LIMITED", { retryAfterSeconds: resetSeconds });
    }
    await next();
    setResponseHeaders(c, Object.entries(headers));
  });
}
