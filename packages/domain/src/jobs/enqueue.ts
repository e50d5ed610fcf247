/** Producing jobs: the only way work is queued, typed and validated against the registry. */
import { type Config, type EnqueueOutcome, enqueueOnce, getQueue, queueReachable } from "@sira/infra";
import { JOBS, type JobName, type JobPayload, parseJobPayload } from "./registry.ts";

export interface QueueDeps {
  config: Pick<Config, "QUEUE_PREFIX">;
}

/**
 * Adds job `name` with `payload` under its deterministic id (see enqueueOnce) on the queue the
 * registry gives it. A payload the schema refuses throws here, at the producer, never on a worker.
 */
export async function enqueue<N extends JobName>(
  deps: QueueDeps,
  name: N,
  payload: JobPayload<N>,
  jobId: string,
  retryFailedAt?: number | null,
): Promise<{ jobId: string; outcome: EnqueueOutcome }> {
  const job = JOBS[name];
  const queue = getQueue(job.queue, { prefix: deps.config.QUEUE_PREFIX });
  const data = parseJobPayload(name, payload);
  const options = job.keepCompleted ? {} : { removeOnComplete: true };
  const { outcome } = await enqueueOnce(queue, name, data, jobId, options, retryFailedAt);
  return { jobId, outcome };
}

/** The BullMQ state of a job ("missing" once it finished and was removed, or never existed). */
export async function jobState(deps: QueueDeps, name: JobName, jobId: string): Promise<string> {
  const queue = getQueue(JOBS[name].queue, { prefix: deps.config.QUEUE_PREFIX });
  await queueReachable(queue);
  const job = await queue.getJob(jobId);
  return job ? await job.getState() : "missing";
}

/**
 * Job `name`'s state, with the time it failed for good when it did: two equal marks read apart
 * mean no new run of the job began in between.
 */
export async function jobRunMark(deps: QueueDeps, name: JobName, jobId: string): Promise<string> {
  const queue = getQueue(JOBS[name].queue, { prefix: deps.config.QUEUE_PREFIX });
  await queueReachable(queue);
  const job = await queue.getJob(jobId);
  if (!job) return "missing";
  const state = await job.getState();
  return state === "failed" ? `failed:${job.finishedOn ?? job.timestamp}` : state;
}

/** When job `name` failed for good, the time it did; null while it is queued, running, done or missing. */
export async function jobFailedAt(deps: QueueDeps, name: JobName, jobId: string): Promise<Date | null> {
  const queue = getQueue(JOBS[name].queue, { prefix: deps.config.QUEUE_PREFIX });
  await queueReachable(queue);
  const job = await queue.getJob(jobId);
  if (!job || (await job.getState()) !== "failed") return null;
  return new Date(job.finishedOn ?? job.timestamp);
}

/**
 * Throws DependencyUnavailableError (the API answers 503) when job `name`'s queue cannot be reached
 * now: for work that ends by queueing a job, so it is refused before it starts, not after.
 */
export async function assertCanEnqueue(deps: QueueDeps, name: JobName): Promise<void> {
  await queueReachable(getQueue(JOBS[name].queue, { prefix: deps.config.QUEUE_PREFIX }));
}
