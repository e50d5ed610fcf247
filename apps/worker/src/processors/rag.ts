/**
 * Document ingestion queues: rag-indexing ("index-resource": chunk and embed a resource) and
 * image-indexing ("extract-images"). Thin: parse the payload, call the domain. A failed attempt
 * is recorded on the resource (queued again with the reason while retries remain, failed after
 * the last); a domain refusal (an empty or unreadable file) is not retried.
 */
import {
  EXTRACT_IMAGES_JOB,
  INDEX_RESOURCE_JOB,
  indexResource,
  indexResourceImages,
  isPermanentIndexFailure,
  recordIndexFailure,
  resourceJobPayload,
} from "@sira/domain";
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";
import { failFast, unknownJob } from "./fail-fast.ts";

/** Whether this attempt is the job's last one. */
function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function ragProcessors(deps: WorkerDeps): Processors {
  return {
    "rag-indexing": async (job: Job) => {
      if (job.name !== INDEX_RESOURCE_JOB) return unknownJob("rag-indexing", job);
      const { resourceId } = resourceJobPayload.parse(job.data);
      try {
        return await indexResource(deps, resourceId);
      } catch (error) {
        const permanent = isPermanentIndexFailure(error);
        await recordIndexFailure(deps.db, resourceId, error, permanent || isLastAttempt(job));
        if (permanent) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
    "image-indexing": async (job: Job) => {
      if (job.name !== EXTRACT_IMAGES_JOB) return unknownJob("image-indexing", job);
      const { resourceId } = resourceJobPayload.parse(job.data);
      return failFast(() => indexResourceImages(deps, resourceId), isPermanentIndexFailure);
    },
  };
}
