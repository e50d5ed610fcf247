/**
 * BullMQ queues: one factory, production defaults, and deterministic job ids so that enqueuing
 * the same work twice yields one job.
 */
import { type Job, type JobsOptions, Queue, type QueueOptions } from "bullmq";
import { loadConfig } from "./config.ts";
import { logger } from "./logger.ts";
import { DependencyUnavailableError, isSocketError, unavailableDependency } from "./outage.ts";
import { createProducerRedis, type Redis, redisDown } from "./redis.ts";
import { outsideRequestScope, withJobRequestId } from "./request-scope.ts";

/** Every queue the worker serves. */
export const QUEUE_NAMES = [
  "rag-indexing",
  "content-generation",
  "syllabus-generation",
  "image-indexing",
  "media",
  "preassessment-generation",
  "audio-generation",
  "tutor",
  "subscriptions",
  "sms-relay",
  "maintenance",
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Retries with exponential backoff; finished jobs are kept long enough to inspect, then trimmed. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/**
 * A stable job id from the parts that identify the work (e.g. resource id + content hash).
 * BullMQ uses ':' inside its Redis keys and refuses it in custom ids, so parts join with '-'.
 */
export function jobIdFor(kind: string, ...parts: (string | number)[]): string {
  const id = [kind, ...parts].map((p) => String(p).replaceAll(":", "_")).join("-");
  if (/^\d+$/.test(id)) throw new Error("a job id cannot be only digits");
  return id;
}

export type EnqueueOutcome = "added" | "existing" | "retried";

/**
 * Adds work under a deterministic id. BullMQ ignores an add whose id it already holds, so a job
 * that failed for good (kept for inspection) would silently never run again: that one runs again
 * with the data asked for now and all its attempts (BullMQ would otherwise keep attemptsMade and
 * give it one try without backoff). A waiting, running or completed job with the id is left alone,
 * and so is a failed one another caller has just retried. `retryFailedAt` (when the caller read
 * the job) retries only the failure it read: the job's failure time, or null when it read none. A
 * run that failed since, someone else's retry, is left failed.
 */
export async function enqueueOnce<T>(
  queue: Queue,
  name: string,
  data: T,
  jobId: string,
  options: Omit<JobsOptions, "jobId"> = {},
  retryFailedAt?: number | null,
): Promise<{ job: Job; outcome: EnqueueOutcome }> {
  await queueReachable(queue);
  // The request that asked for the work travels with it, so the job's log lines name it.
  const add = () => queue.add(name, withJobRequestId(data), { ...options, jobId });
  const existing = await queue.getJob(jobId);
  if (existing) {
    if ((await existing.getState()) === "failed") {
      const failedAt = existing.finishedOn ?? existing.timestamp;
      if (retryFailedAt !== undefined && retryFailedAt !== failedAt) return { job: existing, outcome: "existing" };
      return retryFailed(queue, existing, withJobRequestId(data), add);
    }
    return { job: existing, outcome: "existing" };
  }
  return { job: await add(), outcome: "added" };
}

async function retryFailed(
  queue: Queue,
  job: Job,
  data: unknown,
  add: () => Promise<Job>,
): Promise<{ job: Job; outcome: EnqueueOutcome }> {
  try {
    await job.updateData(data);
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    return { job, outcome: "retried" };
  } catch (error) {
    const state = await queue.getJobState(job.id as string).catch(() => "failed");
    // Removed meanwhile (trimmed): added afresh under its id.
    if (state === "unknown") return { job: await add(), outcome: "added" };
    // Lost to a concurrent retry: the job is no longer failed, the work is queued or running.
    if (state !== "failed") return { job, outcome: "existing" };
    throw error;
  }
}

let sharedConnection: Redis | undefined;
const queues = new Map<string, Queue>();
const connections = new WeakMap<Queue, Redis>();

/**
 * Resolves once the queue's connection is up; throws DependencyUnavailableError at once while Redis
 * is known to be down, or after `waitMs` for a connection still being opened. BullMQ would otherwise
 * wait for Redis before its first command, however long that takes.
 */
export async function queueReachable(queue: Queue, waitMs = 2_000): Promise<void> {
  const connection = connections.get(queue);
  if (!connection || connection.status === "ready") return;
  if (redisDown(connection)) throw new DependencyUnavailableError("redis", `redis is ${connection.status}`);
  let onReady: () => void = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      connection.once("ready", onReady);
      timer = setTimeout(() => reject(new DependencyUnavailableError("redis", "redis did not answer in time")), waitMs);
    });
  } finally {
    clearTimeout(timer);
    connection.off("ready", onReady);
  }
}

export interface QueueFactoryOptions {
  connection?: Redis;
  prefix?: string;
}

/** The queue of that name, created once per process. */
export function getQueue(name: QueueName, options: QueueFactoryOptions = {}): Queue {
  const prefix = options.prefix ?? loadConfig().QUEUE_PREFIX;
  const key = `${prefix}/${name}`;
  const existing = queues.get(key);
  if (existing) return existing;
  // The first caller may be a request or a job: the queue and its connection outlive it.
  return outsideRequestScope(() => {
    sharedConnection ??= options.connection ?? createProducerRedis();
    const connection = options.connection ?? sharedConnection;
    const queueOptions: QueueOptions = { connection, prefix, defaultJobOptions };
    const queue = new Queue(name, queueOptions);
    // Connection errors are logged by the connection (once per outage); without a listener BullMQ
    // would print each one to stderr.
    queue.on("error", (error) => {
      if (!unavailableDependency(error) && !isSocketError(error))
        logger().error({ err: error, queue: name }, "queue error");
    });
    queues.set(key, queue);
    connections.set(queue, connection);
    return queue;
  });
}

/** The states a queue's depth is reported in (the metrics' `sira_queue_jobs`). */
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;
export type QueueDepth = Record<(typeof QUEUE_STATES)[number], number>;

/** How many jobs each queue holds by state: one round trip per queue. */
export async function queueDepths(prefix: string): Promise<{ queue: QueueName; depth: QueueDepth }[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const counts = await getQueue(queue, { prefix }).getJobCounts(
        "waiting",
        "prioritized",
        "active",
        "delayed",
        "failed",
      );
      // A prioritised job waits too (BullMQ keeps it in a list of its own); none is queued with a priority today.
      const depth: QueueDepth = {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
      return { queue, depth };
    }),
  );
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  sharedConnection?.disconnect();
  sharedConnection = undefined;
}
