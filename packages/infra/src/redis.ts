/** ioredis clients. BullMQ needs its own connections with `maxRetriesPerRequest: null`. */
import { Redis, type RedisOptions } from "ioredis";
import { loadConfig } from "./config.ts";
import { logger } from "./logger.ts";

export { Redis };

const base: RedisOptions = {
  enableAutoPipelining: true,
  // Back off up to 2 s between reconnects, forever: Redis restarts must not kill the process.
  retryStrategy: (times) => Math.min(times * 100, 2_000),
};

/** Connection errors are expected while Redis restarts; callers see them as failed commands. */
function quietErrors(client: Redis): Redis {
  let last = 0;
  client.on("error", (err: Error) => {
    if (Date.now() - last < 30_000) return;
    last = Date.now();
    logger().warn({ err: err.message }, "redis connection error");
  });
  return client;
}

/** A client for caches and rate limits: a command fails within a second when Redis is down. */
export function createRedis(url = loadConfig().REDIS_URL, options: RedisOptions = {}): Redis {
  return quietErrors(
    new Redis(url, {
      ...base,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      ...options,
    }),
  );
}

/** A connection for BullMQ workers, which block and retry by design. */
export function createQueueRedis(url = loadConfig().REDIS_URL): Redis {
  return quietErrors(new Redis(url, { ...base, maxRetriesPerRequest: null, enableOfflineQueue: true }));
}

/**
 * A connection for adding and reading jobs (BullMQ queues, not workers). While Redis is down a
 * command fails at once instead of waiting in the offline queue, so a request that needs to queue
 * work answers 503 instead of hanging until Redis returns; it reconnects by itself as the others do.
 */
export function createProducerRedis(url = loadConfig().REDIS_URL): Redis {
  return quietErrors(new Redis(url, { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false }));
}

const DOWN = new Set(["reconnecting", "close", "end"]);

/**
 * Whether the client knows Redis is gone (it lost the connection and is trying again): a command
 * now would only wait for the next attempt to fail. A client still opening its first connection is
 * not down.
 */
export function redisDown(client: Pick<Redis, "status">): boolean {
  return DOWN.has(client.status);
}

let shared: Redis | undefined;

export function redis(): Redis {
  shared ??= createRedis();
  return shared;
}

export async function disconnectRedis(): Promise<void> {
  if (shared) {
    shared.disconnect();
    shared = undefined;
  }
}
