/**
 * The API's metrics (docs/operations.md, decision 0059), in two registries:
 * - this process's own: HTTP latency by route template, method and status, open event streams, the
 *   database pool and whether PostgreSQL and Redis answer, CPU, memory and event loop. Behind
 *   node:cluster they are gathered from every process at each scrape (`cluster.ts`);
 * - the platform's, read from PostgreSQL and Redis by the process that answers the scrape, cached:
 *   queue depth, the language model's tokens and cost over the last 24 hours, the last ledger check.
 * A request costs one histogram observation; everything else is read when Prometheus asks.
 */
import cluster from "node:cluster";
import { aiUsageSince, lastLedgerCheck } from "@sira/domain";
import type { Config, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import {
  cached,
  databasePoolMetrics,
  dependencyMetrics,
  Gauge,
  Histogram,
  processMetrics,
  queueDepthMetrics,
  Registry,
} from "@sira/infra/metrics";
import type { Context } from "hono";
import { openStreamCount } from "../http/sse.ts";
import { clusterMetrics, joinClusterMetrics } from "./cluster.ts";
import { routeLabel } from "./route-label.ts";

export interface ApiMetrics {
  /** Records one answered request (call after `next()`): its route template, method, status and time. */
  observeRequest(c: Context, seconds: number): void;
  /** The exposition Prometheus reads: this process's (or every process's) figures, then the platform's. */
  exposition(): Promise<string>;
  readonly contentType: string;
}

/** Seconds: a cached read answers in milliseconds, a generation's first event in about one second. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Usage and the ledger check change slowly and their reads scan a day of rows: once a minute at most. */
const SLOW_FIGURES_TTL_MS = 60_000;
const DAY_MS = 86_400_000;

export function createApiMetrics(deps: { config: Config; db: Db; redis: Redis }): ApiMetrics {
  const { config } = deps;
  const own = new Registry();
  processMetrics(own);
  databasePoolMetrics(own, deps.db);
  dependencyMetrics(own, { db: deps.db, redis: deps.redis, cacheMs: config.METRICS_CACHE_MS });
  const latency = new Histogram({
    name: "sira_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer's head, by route template, method and status (an event stream: until it opens)",
    labelNames: ["route", "method", "status"],
    buckets: LATENCY_BUCKETS,
    registers: [own],
  });
  new Gauge({
    name: "sira_sse_open_streams",
    help: "Event streams (lessons, tutor answers) open now",
    registers: [own],
    collect() {
      this.set(openStreamCount());
    },
  });

  const platform = new Registry();
  queueDepthMetrics(platform, { prefix: config.QUEUE_PREFIX, cacheMs: config.METRICS_CACHE_MS });
  aiUsageMetrics(platform, deps);
  ledgerMetrics(platform, deps.redis);

  const inCluster = cluster.isWorker;
  if (inCluster) joinClusterMetrics(own);

  return {
    observeRequest(c, seconds) {
      latency.observe({ route: routeLabel(c), method: c.req.method, status: c.res.status }, seconds);
    },
    async exposition() {
      const [processes, shared] = await Promise.all([inCluster ? clusterMetrics() : own.metrics(), platform.metrics()]);
      return `${processes}\n${shared}`;
    },
    contentType: own.contentType,
  };
}

/** `sira_ai_*_24h{feature="tutor"|"generation"}`: the language model's use over the last 24 hours. */
function aiUsageMetrics(registry: Registry, deps: { config: Config; db: Db }): void {
  const usage = cached(SLOW_FIGURES_TTL_MS, () => aiUsageSince(deps.db, deps.config, new Date(Date.now() - DAY_MS)));
  const read = () => usage().catch(() => null);
  new Gauge({
    name: "sira_ai_results_24h",
    help: "Tutor answers given and pieces of content generated in the last 24 hours",
    labelNames: ["feature"],
    registers: [registry],
    async collect() {
      this.reset();
      const figures = await read();
      if (!figures) return;
      for (const feature of ["tutor", "generation"] as const) this.set({ feature }, figures[feature].results);
    },
  });
  new Gauge({
    name: "sira_ai_tokens_24h",
    help: "Language model tokens used in the last 24 hours, by feature and direction (input: the prompts)",
    labelNames: ["feature", "direction"],
    registers: [registry],
    async collect() {
      this.reset();
      const figures = await read();
      if (!figures) return;
      for (const feature of ["tutor", "generation"] as const) {
        this.set({ feature, direction: "input" }, figures[feature].inputTokens);
        this.set({ feature, direction: "output" }, figures[feature].outputTokens);
      }
    },
  });
  new Gauge({
    name: "sira_ai_cost_usd_24h",
    help: "What the language model cost in the last 24 hours, in US dollars (AI_*_PRICE_PER_MTOK_USD)",
    labelNames: ["feature"],
    registers: [registry],
    async collect() {
      this.reset();
      const figures = await read();
      if (!figures) return;
      for (const feature of ["tutor", "generation"] as const) this.set({ feature }, figures[feature].costUsd);
    },
  });
}

/** The last scheduled ledger check (hourly on the worker); absent until one has run. */
function ledgerMetrics(registry: Registry, redis: Redis): void {
  const check = cached(SLOW_FIGURES_TTL_MS, () => lastLedgerCheck(redis));
  const read = () => check().catch(() => null);
  // A state set: before the first check there is no sample at all, rather than a 0 that reads as drift.
  new Gauge({
    name: "sira_ledger_check",
    help: "The last ledger check's result: 1 on result=balanced or on result=drift",
    labelNames: ["result"],
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      if (!last) return;
      this.set({ result: "balanced" }, last.balanced ? 1 : 0);
      this.set({ result: "drift" }, last.balanced ? 0 : 1);
    },
  });
  new Gauge({
    name: "sira_ledger_drift",
    help: "What the last ledger check found wrong: accounts off their rows, unbalanced postings, negative user accounts, broken balance chains",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      if (!last) return;
      for (const kind of ["accounts", "postings", "negative", "chains"] as const) this.set({ kind }, last[kind]);
    },
  });
  new Gauge({
    name: "sira_ledger_checked_timestamp_seconds",
    help: "When the last ledger check ran (Unix time; 0: never): alert when it is over two hours old",
    registers: [registry],
    async collect() {
      this.reset();
      const last = await read();
      if (last) this.set(Date.parse(last.at) / 1000);
    },
  });
}
