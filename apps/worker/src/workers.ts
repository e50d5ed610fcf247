/**
 * BullMQ workers with production settings. A job that dies with its process is "stalled" and
 * BullMQ hands it to the next worker, so a restart loses nothing; processors are idempotent
 * (deterministic job ids, domain writes keyed on the work's identity) so running twice is safe.
 */
import { createQueueRedis, type Logger, type QueueName } from "@sira/infra";
import { type Job, Worker } from "bullmq";
import type { Processors } from "./dispatch.ts";

export interface WorkerOptions {
  prefix: string;
  redisUrl: string;
  logger: Logger;
  concurrency?: Partial<Record<QueueName, number>>;
}

/** Jobs run two at a time per queue, except tutor answers: they mostly wait on the provider's stream. */
const CONCURRENCY: Partial<Record<QueueName, number>> = { tutor: 16 };

export function startWorkers(processors: Processors, options: WorkerOptions): Worker[] {
  return Object.entries(processors).map(([name, processor]) => {
    const log = options.logger.child({ queue: name });
    const worker = new Worker(name, processor, {
      connection: createQueueRedis(options.redisUrl),
      prefix: options.prefix,
      concurrency: options.concurrency?.[name as QueueName] ?? CONCURRENCY[name as QueueName] ?? 2,
      // A job whose lock is not renewed for 30 s is treated as stalled and retried elsewhere.
      lockDuration: 30_000,
      stalledInterval: 30_000,
      maxStalledCount: 2,
    });
    worker.on("completed", (job: Job) => log.info({ job_id: job.id, name: job.name }, "job completed"));
    worker.on("failed", (job: Job | undefined, err: Error) =>
      log.warn({ job_id: job?.id, name: job?.name, attempts: job?.attemptsMade, err }, "job failed"),
    );
    worker.on("error", (err) => log.error({ err }, "worker error"));
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
