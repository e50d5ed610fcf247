/**
 * One BullMQ processor per queue, built from the job registry: the job's name picks its handler,
 * its data is parsed with the registry's schema, and every failure goes through the one rule
 * (isPermanentJobFailure): permanent ends the job at once, anything else is retried with backoff.
 * A job runs in the scope of the request that enqueued it (its id in the job's data), so every line
 * it logs carries `request_id`; each attempt's time and outcome go to the worker's metrics.
 */
import { isJobName, isPermanentJobFailure, JOBS, type JobName, type JobPayload, parseJobPayload } from "@sira/domain";
import { jobRequestId, type QueueName, withRequestId } from "@sira/infra";
import { type Job, type Processor, UnrecoverableError } from "bullmq";
import { observeJob } from "./metrics.ts";

export type Processors = Partial<Record<QueueName, Processor>>;

export interface JobContext {
  job: Job;
  /** Aborted when the worker closes or the job is cancelled. */
  signal: AbortSignal | undefined;
  /** Whether a retryable failure of this attempt would still end the job. */
  lastAttempt: boolean;
}

/** A handler for every registered job, typed by its payload. */
export type JobHandlers = { [N in JobName]: (data: JobPayload<N>, context: JobContext) => Promise<unknown> };

type AnyHandler = (data: unknown, context: JobContext) => Promise<unknown>;

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** The error BullMQ should see: permanent failures become UnrecoverableError (no retry). */
export function asJobFailure(error: unknown): unknown {
  if (error instanceof UnrecoverableError || !isPermanentJobFailure(error)) return error;
  const failure = new UnrecoverableError(error instanceof Error ? error.message : String(error));
  failure.cause = error;
  return failure;
}

async function runJob(queue: QueueName, handlers: JobHandlers, job: Job, signal?: AbortSignal): Promise<unknown> {
  if (!isJobName(job.name) || JOBS[job.name].queue !== queue) {
    // A job name the queue does not serve: a producer bug, not worth a retry.
    throw new UnrecoverableError(`unknown ${queue} job ${job.name}`);
  }
  try {
    const data = parseJobPayload(job.name, job.data);
    const handler = handlers[job.name] as AnyHandler;
    return await handler(data, { job, signal, lastAttempt: isLastAttempt(job) });
  } catch (error) {
    throw asJobFailure(error);
  }
}

/** The id of the request that enqueued `job`, if a request did. */
export function requestIdOfJob(job: Job | undefined): string | undefined {
  return jobRequestId(job?.data);
}

/** One attempt of a job, in its request's scope, timed and counted. */
async function runObservedJob(
  queue: QueueName,
  handlers: JobHandlers,
  job: Job,
  signal?: AbortSignal,
): Promise<unknown> {
  const name = isJobName(job.name) ? job.name : "unknown";
  const requestId = requestIdOfJob(job);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const run = () => runJob(queue, handlers, job, signal);
    const result = await (requestId ? withRequestId(requestId, run, { inLogs: true }) : run());
    observeJob(queue, name, seconds(), { failed: false });
    return result;
  } catch (error) {
    const final = error instanceof UnrecoverableError || isLastAttempt(job);
    observeJob(queue, name, seconds(), { failed: true, final });
    throw error;
  }
}

/** The processors of every queue the registry names, dispatching to `handlers`. */
export function dispatchJobs(handlers: JobHandlers): Processors {
  const processors: Processors = {};
  for (const { queue } of Object.values(JOBS)) {
    processors[queue] ??= (job: Job, _token?: string, signal?: AbortSignal) =>
      runObservedJob(queue, handlers, job, signal);
  }
  return processors;
}
