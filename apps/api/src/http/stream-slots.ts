/**
 * At most `SSE_MAX_STREAMS_PER_USER` event streams per user, across API processes. Each open
 * stream holds a slot: a member of a Redis sorted set scored by its lease's end. A live stream
 * renews its lease; a stream that ends or whose client leaves frees its slot at once; a process
 * that dies frees its slots when their leases run out (decision 0028).
 */
import { randomUUID } from "node:crypto";
import { AppError } from "@sira/contracts";
import { type Logger, type Redis, redisDown } from "@sira/infra";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";

/** How long a slot outlives its last renewal: the bound on a crashed process's leaked slots. */
export const STREAM_SLOT_LEASE_MS = 60_000;

// Redis' own clock, so API processes with skewed clocks agree on which leases ran out.
const NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)";

/** KEYS[1] the user's slots; ARGV: slot id, lease ms, limit. 1 when the slot is taken, else 0. */
const ACQUIRE = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** KEYS[1] the user's slots; ARGV: slot id, lease ms. Extends a slot still held. */
const RENEW = `${NOW_MS}
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

const slotsKey = (userId: string): string => `sira:sse:slots:${userId}`;

export interface StreamSlot {
  /** Frees the slot; safe to call more than once. */
  release(): void;
}

export interface StreamSlotOptions {
  redis: Redis;
  logger: Logger;
  limit: number;
  leaseMs?: number;
}

/**
 * Takes one of the user's stream slots, or throws 429 TOO_MANY_STREAMS. When Redis is down the
 * stream goes ahead without a slot (logged): the cap protects resources, not accounts.
 */
export async function acquireStreamSlot(userId: string, options: StreamSlotOptions): Promise<StreamSlot> {
  const { redis, logger, limit, leaseMs = STREAM_SLOT_LEASE_MS } = options;
  const key = slotsKey(userId);
  const id = randomUUID();
  let taken: unknown;
  try {
    if (redisDown(redis)) throw new Error(`redis is ${redis.status}`);
    taken = await redis.eval(ACQUIRE, 1, key, id, leaseMs, limit);
  } catch (error) {
    logger.warn({ err: error }, "stream slots unavailable: stream opened without a slot");
    return { release: () => undefined };
  }
  if (Number(taken) !== 1) throw new AppError("TOO_MANY_STREAMS", { retryAfterSeconds: 5 });

  const renewal = setInterval(
    () => void redis.eval(RENEW, 1, key, id, leaseMs).catch(() => undefined),
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(renewal);
      redis.zrem(key, id).catch((error: unknown) => logger.warn({ err: error }, "stream slot not released"));
    },
  };
}

/**
 * Takes one of the caller's stream slots (429 TOO_MANY_STREAMS when none is free) and opens the
 * stream with it; a refusal while opening frees the slot. The opened stream frees it when it ends.
 */
export async function openWithStreamSlot(
  c: Context<AppEnv>,
  open: (release: () => void) => Promise<Response>,
): Promise<Response> {
  const { deps, actor } = c.var;
  if (!actor) throw new AppError("UNAUTHENTICATED");
  const slot = await acquireStreamSlot(actor.userId, {
    redis: deps.redis,
    logger: c.get("log"),
    limit: deps.config.SSE_MAX_STREAMS_PER_USER,
  });
  try {
    return await open(slot.release);
  } catch (error) {
    slot.release();
    throw error;
  }
}
