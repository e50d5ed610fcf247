/**
 * BullMQ workers with production settings. A job that dies with its process is "stalled" and
 * BullMQ hands it to the next worker, so a restart loses nothing; processors are idempotent
 * (deterministic job ids, domain writes keyed on the work's identity) so running twice is safe.
 */
import { createQueueRedis, isSocketError, type Logger, type QueueName, unavailableDependency } from "@sira/infra";
import { type Job, Worker } from "bullmq";
import { type Processors, requestIdOfJob } from "./dispatch.ts";

export interface WorkerOptions {
  prefix: string;
  redisUrl: string;
  logger: Logger;
  concurrency?: Partial<Record<QueueName, number>>;
  /** A running job's lock; a job whose lock lapses (its worker died) is stalled and runs again. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. */
  stalledIntervalMs?: number;
}

/**
 * Logs a worker's errors; while Redis is unreachable every queue's connections report each failed
 * reconnect, so an outage is logged once per 30 s as a warning rather than as a stream of errors.
 */
function workerErrorLog(logger: Logger): (queue: string, err: Error) => void {
  let lastOutageLog = 0;
  let suppressed = 0;
  return (queue, err) => {
    // A socket error here is the worker's own connection to Redis.
    const outage = unavailableDependency(err) !== null || isSocketError(err);
    if (!outage) {
      logger.error({ queue, err }, "worker error");
      return;
    }
    if (Date.now() - lastOutageLog < 30_000) {
      suppressed += 1;
      return;
    }
    logger.warn({ queue, err: err.message, repeated: suppressed }, "worker: Redis unreachable, reconnecting");
    lastOutageLog = Date.now();
    suppressed = 0;
  };
}

/** Jobs run two at a time per queue, except tutor answers: they mostly wait on the provider's stream. */
const CONCURRENCY: Partial<Record<QueueName, number>> = { tutor: 16 };

export function startWorkers(processors: Processors, options: WorkerOptions): Worker[] {
  const logError = workerErrorLog(options.logger);
  return Object.entries(processors).map(([name, processor]) => {
    const log = options.logger.child({ queue: name });
    const worker = new Worker(name, processor, {
      connection: createQueueRedis(options.redisUrl),
      prefix: options.prefix,
      concurrency: options.concurrency?.[name as QueueName] ?? CONCURRENCY[name as QueueName] ?? 2,
      // A job whose lock is not renewed in time is treated as stalled and runs again elsewhere.
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    });
    // Outside the job's own scope (see dispatch.ts): these lines name its request themselves.
    worker.on("completed", (job: Job) =>
      log.info({ job_id: job.id, name: job.name, request_id: requestIdOfJob(job) }, "job completed"),
    );
    worker.on("failed", (job: Job | undefined, err: Error) =>
      log.warn(
        { job_id: job?.id, name: job?.name, request_id: requestIdOfJob(job), attempts: job?.attemptsMade, err },
        "job failed",
      ),
    );
    worker.on("error", (err) => logError(name, err));
    return worker;
  });
}

/** Lets running jobs finish (up to `graceMs`), then closes. Unfinished jobs stall and are retried. */
export async function stopWorkers(workers: Worker[], graceMs = 25_000): Promise<void> {
  const closing = Promise.all(workers.map((w) => w.close()));
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
  await Promise.race([closing, timeout]);
  if (workers.some((w) => w.isRunning())) await Promise.all(workers.map((w) => w.close(true)));
}
