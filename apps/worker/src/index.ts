/** The worker process: serves every queue, registers schedules, and drains on SIGTERM/SIGINT. */
import { createAiProviders } from "@sira/ai";
import { createMailer, createUsageRecorder, JOBS } from "@sira/domain";
import { closeQueues, createStorage, disconnectRedis, getQueue, loadConfigOrExit, logger, redis } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";
import { serveWorkerMetrics } from "./metrics.ts";
import { processors, retiredSchedules, schedules } from "./processors.ts";
import { startWorkers, stopWorkers } from "./workers.ts";

process.env.SIRA_SERVICE ??= "sira-worker";
const config = loadConfigOrExit();
const log = logger();

for (const s of schedules) {
  await getQueue(JOBS[s.name].queue).upsertJobScheduler(s.name, { every: s.every }, { name: s.name });
}
for (const name of retiredSchedules) {
  await getQueue(JOBS[name].queue).removeJobScheduler(name);
}
const deps = {
  config,
  db: db(),
  redis: redis(),
  logger: log,
  storage: createStorage(config),
  ai: createAiProviders({ config, db: db(), logger: log }),
  mailer: createMailer({ config, db: db(), logger: log }),
  usage: createUsageRecorder(db(), log, config),
};
const workers = startWorkers(processors(deps), {
  prefix: config.QUEUE_PREFIX,
  redisUrl: config.REDIS_URL,
  logger: log,
  lockDurationMs: config.JOB_LOCK_DURATION_MS,
  stalledIntervalMs: config.JOB_STALLED_INTERVAL_MS,
});
log.info({ queues: workers.map((w) => w.name) }, "Sira worker started");
// GET /metrics on WORKER_METRICS_PORT when set; it answers until the process exits, draining included.
serveWorkerMetrics(deps);
// Lesson audio needs local tools: say which package is missing now, not at the first lesson.
for (const format of ["opus", "mp3"] as const) {
  deps.ai.tts
    .check(format)
    .catch((err: Error) => log.error({ format, reason: err.message }, "lesson audio unavailable"));
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker draining");
  // Closing needs Redis: should it be down, the process still leaves (its jobs stall and run again).
  setTimeout(() => {
    log.warn("worker did not close within the grace period; exiting");
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS + 5_000).unref();
  await stopWorkers(workers, config.SHUTDOWN_GRACE_MS);
  await deps.usage.close();
  await Promise.allSettled([closeQueues(), disconnectDb(), disconnectRedis()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
