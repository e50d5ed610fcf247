/**
 * Document ingestion jobs: "index-resource" (chunk and embed a resource) and "extract-images". A
 * failed indexing attempt is recorded on the resource: queued again with the reason while retries
 * remain, failed after the last one or at once when the failure is permanent (an empty or
 * unreadable file).
 */
import { indexResource, indexResourceImages, isPermanentJobFailure, recordIndexFailure } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function ragHandlers(deps: WorkerDeps): Pick<JobHandlers, "index-resource" | "extract-images"> {
  return {
    "index-resource": async ({ resourceId }, { lastAttempt }) => {
      try {
        return await indexResource(deps, resourceId);
      } catch (error) {
        await recordIndexFailure(deps.db, resourceId, error, lastAttempt || isPermanentJobFailure(error));
        throw error;
      }
    },
    "extract-images": ({ resourceId }) => indexResourceImages(deps, resourceId),
  };
}
