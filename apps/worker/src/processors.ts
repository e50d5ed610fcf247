/** Which domain function serves each queue. Jobs stay thin: parse the payload, call the domain. */
import { purgeExpired, requeueStalledResources } from "@sira/domain";
import type { Job } from "bullmq";
import type { WorkerDeps } from "./deps.ts";
import { contentProcessors } from "./processors/content.ts";
import { unknownJob } from "./processors/fail-fast.ts";
import { learningProcessors } from "./processors/learning.ts";
import { ragProcessors } from "./processors/rag.ts";
import type { Processors } from "./workers.ts";

export function processors(deps: WorkerDeps): Processors {
  return {
    ...ragProcessors(deps),
    ...contentProcessors(deps),
    ...learningProcessors(deps),
    maintenance: async (job: Job) => {
      switch (job.name) {
        case "purge-expired":
          return purgeExpired(deps.db);
        case "requeue-stalled-indexing":
          return requeueStalledResources(deps);
        default:
          return unknownJob("maintenance", job);
      }
    },
  };
}

/** Repeatable jobs, registered idempotently at start-up (one schedule per id, whatever the restarts). */
export const schedules = [
  { queue: "maintenance", id: "purge-expired", every: 60 * 60_000 },
  { queue: "maintenance", id: "requeue-stalled-indexing", every: 10 * 60_000 },
] as const;
