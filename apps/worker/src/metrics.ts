/**
 * The worker's metrics (decision 0059). Each worker process serves its own on WORKER_METRICS_PORT,
 * with the API's token (METRICS_TOKEN): how long each job ran and how often jobs failed, by queue
 * and job name, its database pool, whether it reaches PostgreSQL and Redis, CPU, memory and event
 * loop. Prometheus scrapes every worker and sums; nothing is pushed anywhere, so the figures hold
 * while Redis is the thing that is down. Queue depth is the API's: it is the same for every worker.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { AppError, type Language, problemBody } from "@sira/contracts";
import type { Config, Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import {
  bearerTokenCheck,
  Counter,
  databasePoolMetrics,
  dependencyMetrics,
  Histogram,
  processMetrics,
  Registry,
} from "@sira/infra/metrics";

const gzipAsync = promisify(gzip);

const jobs = new Registry();
const jobDuration = new Histogram({
  name: "sira_job_duration_seconds",
  help: "How long a job's attempt ran, by queue, job name and outcome (completed or failed)",
  labelNames: ["queue", "job", "outcome"],
  // From a row clean-up (milliseconds) to a long document's indexing or a whole module (minutes).
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
  registers: [jobs],
});
const jobFailures = new Counter({
  name: "sira_job_failures_total",
  help: "Failed job attempts by queue and job name; final: no attempt follows (permanent, or the last one)",
  labelNames: ["queue", "job", "final"],
  registers: [jobs],
});

/** Records one finished attempt of a job. */
export function observeJob(
  queue: string,
  job: string,
  seconds: number,
  outcome: { failed: false } | { failed: true; final: boolean },
): void {
  jobDuration.observe({ queue, job, outcome: outcome.failed ? "failed" : "completed" }, seconds);
  if (outcome.failed) jobFailures.inc({ queue, job, final: String(outcome.final) });
}

/** This process's registry: the jobs it ran, its pool, its dependencies and the process itself. */
export function workerMetrics(deps: { config: Config; db: Db; redis: Redis }): Registry {
  const own = new Registry();
  processMetrics(own);
  databasePoolMetrics(own, deps.db);
  dependencyMetrics(own, { db: deps.db, redis: deps.redis, cacheMs: deps.config.METRICS_CACHE_MS });
  return Registry.merge([jobs, own]);
}

function language(req: IncomingMessage, fallback: Language): Language {
  const first = req.headers["accept-language"]?.trim().slice(0, 2).toLowerCase();
  return first === "fr" || first === "en" ? first : fallback;
}

function refuse(res: ServerResponse, error: AppError, lang: Language, path: string): void {
  const headers: Record<string, string> = { "content-type": "application/problem+json", "content-language": lang };
  if (error.code === "UNAUTHENTICATED") headers["www-authenticate"] = 'Bearer realm="metrics"';
  res.writeHead(error.status, headers).end(JSON.stringify(problemBody(error, lang, undefined, path)));
}

/** GET /metrics with the bearer token, answered as the API answers it; anything else is refused. */
export function metricsListener(registry: Registry, config: Config, logger: Logger): RequestListener {
  const token = config.METRICS_TOKEN;
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const lang = language(req, config.DEFAULT_LANGUAGE);
    if (path !== "/metrics" || !token) return refuse(res, new AppError("ROUTE_NOT_FOUND"), lang, path);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return refuse(res, new AppError("METHOD_NOT_ALLOWED"), lang, path);
    }
    const check = bearerTokenCheck(req.headers.authorization, token);
    if (check !== "ok")
      return refuse(res, new AppError(check === "missing" ? "UNAUTHENTICATED" : "FORBIDDEN"), lang, path);
    void (async () => {
      const text = Buffer.from(await registry.metrics());
      const zipped = /\bgzip\b/i.test(req.headers["accept-encoding"] ?? "");
      const body = zipped ? await gzipAsync(text) : text;
      res.writeHead(200, {
        "content-type": registry.contentType,
        "cache-control": "no-store",
        "content-length": String(body.byteLength),
        ...(zipped ? { "content-encoding": "gzip" } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    })().catch((error: unknown) => {
      logger.error({ err: error }, "metrics could not be collected");
      if (!res.headersSent) refuse(res, new AppError("INTERNAL"), lang, path);
      else res.destroy();
    });
  };
}

/** Serves the worker's metrics on WORKER_METRICS_PORT (on HOST), or nothing when it is unset. */
export function serveWorkerMetrics(deps: { config: Config; db: Db; redis: Redis; logger: Logger }): Server | null {
  const { config, logger } = deps;
  if (!config.WORKER_METRICS_PORT || !config.METRICS_TOKEN) return null;
  const server = createServer(metricsListener(workerMetrics(deps), config, logger));
  server.on("error", (error) => logger.error({ err: error }, "worker metrics: the port could not be served"));
  server.listen(config.WORKER_METRICS_PORT, config.HOST, () =>
    logger.info({ port: config.WORKER_METRICS_PORT, host: config.HOST }, "worker metrics at /metrics"),
  );
  return server;
}
