/** What the content services need: the database, Redis, the AI providers and the queue settings. */
import type { AiProviders } from "@sira/ai";
import type { Config, Logger, Redis } from "@sira/infra";
import { type EnqueueOutcome, enqueueOnce, getQueue, type QueueName } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface ContentDeps {
  config: Pick<Config, "QUEUE_PREFIX">;
  db: Db;
  redis: Redis;
  logger: Logger;
  ai: AiProviders;
}

export type ContentStoreDeps = Omit<ContentDeps, "ai">;

/** Adds a job under its deterministic id (see enqueueOnce); finished generation jobs are not kept. */
export async function enqueueJob<T>(
  deps: Pick<ContentDeps, "config">,
  queue: QueueName,
  name: string,
  data: T,
  jobId: string,
  keepCompleted = false,
): Promise<{ jobId: string; outcome: EnqueueOutcome }> {
  const q = getQueue(queue, { prefix: deps.config.QUEUE_PREFIX });
  const { outcome } = await enqueueOnce(q, name, data, jobId, keepCompleted ? {} : { removeOnComplete: true });
  return { jobId, outcome };
}

/** The BullMQ state of a job ("missing" once it finished and was removed, or never existed). */
export async function jobState(deps: Pick<ContentDeps, "config">, queue: QueueName, jobId: string): Promise<string> {
  const job = await getQueue(queue, { prefix: deps.config.QUEUE_PREFIX }).getJob(jobId);
  return job ? await job.getState() : "missing";
}
