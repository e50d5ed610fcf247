/**
 * Calls per minute per client network (an IPv4 address or an IPv6 /64), counted in Redis so that
 * every API process shares the count; a tRPC batch of N calls costs N. If Redis is unreachable,
 * each process falls back to its own in-memory window with the same limit: the API stays up and
 * still throttles, only less precisely (docs/decisions).
 */
import { createHash } from "node:crypto";
import { AppError } from "@sira/contracts";
import { DENYLIST_LOADED_KEY, type DenylistRead, networkKey, revokedSessionKey } from "@sira/domain";
import type { Redis } from "@sira/infra";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import type { TokenClaim } from "./auth.ts";
import { setResponseHeaders } from "./response-headers.ts";

const WINDOW_MS = 60_000;
// Asked here, what the request needs next from Redis costs no round trip of its own: with ARGV[3]
// = 1, KEYS[2] and KEYS[3] are keys whose existence it needs (the session's denylist entry and
// the marker that the list is whole); the keys after them are values it will read (a cached
// answer), returned as MGET returns them.
const INCREMENT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
local listed = -1
local loaded = -1
local first = 2
if ARGV[3] == '1' then listed = redis.call('EXISTS', KEYS[2]); loaded = redis.call('EXISTS', KEYS[3]); first = 4 end
local values = {}
if #KEYS >= first then values = redis.call('MGET', unpack(KEYS, first)) end
return {n, ttl, listed, values, loaded}`;
// Sent by its hash: the script's text goes over the wire only after Redis has forgotten it.
const INCREMENT_SHA = createHash("sha1").update(INCREMENT).digest("hex");

async function runIncrement(redis: Redis, keys: readonly string[], args: readonly (string | number)[]) {
  try {
    return await redis.evalsha(INCREMENT_SHA, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return redis.eval(INCREMENT, keys.length, ...keys, ...args);
  }
}

const DOWN = new Set(["reconnecting", "close", "end"]);

export interface Hit {
  count: number;
  resetMs: number;
  store: "redis" | "memory";
  /** What Redis said about the session asked about, if one was (Redis only). */
  session?: DenylistRead;
  /** The values of the keys asked to be read, by key (Redis only). */
  values?: ReadonlyMap<string, string | null>;
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

export async function hitRedis(
  redis: Redis,
  key: string,
  cost = 1,
  existsKey?: string,
  readKeys: readonly string[] = [],
): Promise<Hit> {
  const keys = existsKey ? [key, existsKey, DENYLIST_LOADED_KEY, ...readKeys] : [key, ...readKeys];
  const [count, ttl, listed, values, loaded] = (await runIncrement(redis, keys, [
    WINDOW_MS,
    cost,
    existsKey ? 1 : 0,
  ])) as [number, number, number, (string | null)[], number];
  const hit: Hit = { count, resetMs: ttl > 0 ? ttl : WINDOW_MS, store: "redis" };
  if (existsKey) hit.session = { listed: listed === 1, loaded: loaded === 1 };
  if (readKeys.length) hit.values = new Map(readKeys.map((k, i) => [k, values[i] ?? null]));
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
   * What the request's bearer token claims (not yet verified), if any: the limiter reads the
   * session's denylist entry in the same round trip and leaves the answer in `sessionListed`.
   */
  claim?: (c: Context<AppEnv>) => TokenClaim | null;
  /**
   * Redis keys the route will read for this claimed caller (a cached answer): read in the same
   * round trip and left in `prefetched`, for the route to use once the token proves the claim.
   */
  prefetch?: (c: Context<AppEnv>, claim: TokenClaim) => readonly string[] | null;
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
      const claim = options.claim?.(c) ?? null;
      const reads = (claim && options.prefetch?.(c, claim)) || [];
      hit = await hitRedis(redis, key, cost, claim ? revokedSessionKey(claim.sessionId) : undefined, reads);
      if (claim && hit.session) c.set("sessionListed", { sessionId: claim.sessionId, ...hit.session });
      if (hit.values) c.set("prefetched", hit.values);
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
