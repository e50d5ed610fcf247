/**
 * Media jobs: "generate-image" (a lesson's or module's illustration) and "summarize-media" (a
 * module media's FR/EN summary). A failed drawing is recorded on the image: pending with the
 * reason while retries remain, failed after the last attempt or at once when permanent; a summary
 * that cannot be written leaves the media usable, marked failed.
 */
import {
  isPermanentJobFailure,
  recordImageFailure,
  recordMediaSummaryFailure,
  runImageGeneration,
  summarizeModuleMedia,
} from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function mediaHandlers(deps: WorkerDeps): Pick<JobHandlers, "generate-image" | "summarize-media"> {
  return {
    "generate-image": async ({ imageId, language }, { signal, lastAttempt }) => {
      try {
        return await runImageGeneration(deps, imageId, {
          ...(language ? { language } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        await recordImageFailure(deps, imageId, error, lastAttempt || isPermanentJobFailure(error));
        throw error;
      }
    },
    "summarize-media": async ({ mediaId }, { signal, lastAttempt }) => {
      try {
        return await summarizeModuleMedia(deps, mediaId, signal ? { signal } : {});
      } catch (error) {
        if (lastAttempt || isPermanentJobFailure(error)) await recordMediaSummaryFailure(deps, mediaId);
        throw error;
      }
    },
  };
}
