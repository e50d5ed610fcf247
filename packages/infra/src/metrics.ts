/**
 * Prometheus metrics shared by the API and the worker (prom-client): the process's own figures
 * (CPU, memory, event loop, garbage collection), its database pool, whether PostgreSQL and Redis
 * answer it, and the queues' depth. What a scrape must ask PostgreSQL or Redis for is read at most
 * once per `cacheMs` (`cached`), so a scrape every few seconds, or two Prometheus servers, cost the
 * dependencies one read per interval. A dependency that is down gives its figures as absent or 0;
 * a scrape never fails because of it.
 */
import { timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Gauge, type Registry } from "prom-client";
import { type Db, poolStats } from "./db.ts";
import { QUEUE_STATES, queueDepths } from "./queues.ts";
import type { Redis } from "./redis.ts";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * `load` at most once per `ttlMs`: callers within the interval share one result (or the one read in
 * flight). A failed read is not kept, so the next scrape tries again.
 */
export function cached<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!entry || now - entry.at >= ttlMs) {
      const value = load();
      const current = { at: now, value };
      entry = current;
      value.catch(() => {
        if (entry === current) entry = undefined;
      });
    }
    return entry.value;
  };
}

/** Resolves with `work`'s value, or rejects after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The process's own figures under their standard names (process_*, nodejs_*). */
export function processMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
}

/** The process's database pool, read from the pool itself when Prometheus asks (no I/O). */
export function databasePoolMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: "sira_db_pool_connections",
    help: "Connections of this process's database pool, by state (busy: running a query or transaction)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const stats = poolStats(db);
      if (!stats) return;
      this.set({ state: "busy" }, stats.total - stats.idle);
      this.set({ state: "idle" }, stats.idle);
    },
  });
  new Gauge({
    name: "sira_db_pool_max_connections",
    help: "The most connections this process's database pool opens (DATABASE_POOL_MAX)",
    registers: [registry],
    collect() {
      const stats = poolStats(db);
      if (stats) this.set(stats.max);
    },
  });
  new Gauge({
    name: "sira_db_pool_waiting_queries",
    help: "Queries of this process waiting for a free database connection",
    registers: [registry],
    collect() {
      const stats = poolStats(db);
      if (stats) this.set(stats.waiting);
    },
  });
}

/** Client states in which ioredis already knows Redis is unreachable. */
const REDIS_DOWN = new Set(["reconnecting", "close", "end"]);
/** A check slower than this counts as down: a scrape must not wait on a dependency that hangs. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * `sira_dependency_up{dependency="postgres"|"redis"}`: 1 when this process's client got an answer
 * (`SELECT 1`, `PING`) within 2 s, at most once per `cacheMs`.
 */
export function dependencyMetrics(registry: Registry, deps: { db: Db; redis: Redis; cacheMs: number }): void {
  const check = cached(deps.cacheMs, async () => {
    const [postgres, redis] = await Promise.all([
      within(CHECK_TIMEOUT_MS, deps.db.$queryRaw`SELECT 1`).then(
        () => 1,
        () => 0,
      ),
      REDIS_DOWN.has(deps.redis.status)
        ? 0
        : within(CHECK_TIMEOUT_MS, deps.redis.ping()).then(
            (pong) => (pong === "PONG" ? 1 : 0),
            () => 0,
          ),
    ]);
    return { postgres, redis };
  });
  new Gauge({
    name: "sira_dependency_up",
    help: "Whether this process reaches the dependency: PostgreSQL answers SELECT 1, Redis answers PING (1 or 0)",
    labelNames: ["dependency"],
    registers: [registry],
    // Over the API's processes: 1 only when every one of them reaches it.
    aggregator: "min",
    async collect() {
      const up = await check();
      this.set({ dependency: "postgres" }, up.postgres);
      this.set({ dependency: "redis" }, up.redis);
    },
  });
}

/**
 * `sira_queue_jobs{queue, state}` for every queue, read from Redis at most once per `cacheMs` (one
 * round trip per queue); absent while Redis cannot be read. Failed jobs are those kept for
 * inspection (14 days), not a rate: the worker's `sira_job_failures_total` is.
 */
export function queueDepthMetrics(registry: Registry, options: { prefix: string; cacheMs: number }): void {
  const depths = cached(options.cacheMs, () => queueDepths(options.prefix));
  new Gauge({
    name: "sira_queue_jobs",
    help: "Jobs in each BullMQ queue by state (waiting, active, delayed, failed and kept)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      const queues = await depths().catch(() => []);
      for (const { queue, depth } of queues) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, depth[state]);
      }
    },
  });
}

/**
 * Whether an `Authorization` header carries `token` as a bearer token, compared in constant time:
 * "missing" (no bearer token at all: 401), "wrong" (403) or "ok".
 */
export function bearerTokenCheck(header: string | undefined, token: string): "missing" | "wrong" | "ok" {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) return "missing";
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? "ok" : "wrong";
}
