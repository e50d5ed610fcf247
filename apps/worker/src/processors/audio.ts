/**
 * Lesson audio: "generate-audio" reads a lesson aloud, section by section. A failure that ends the
 * job (permanent, e.g. a missing espeak-ng/opusenc/lame naming its package, or the last attempt)
 * is recorded on the row, which then answers 503 AUDIO_UNAVAILABLE until a later request retries.
 */
import { generateLessonAudio, isPermanentJobFailure, recordAudioFailure } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function audioHandlers(deps: WorkerDeps): Pick<JobHandlers, "generate-audio"> {
  return {
    "generate-audio": async ({ audioId, version }, { signal, lastAttempt }) => {
      try {
        return await generateLessonAudio(deps, audioId, signal, version);
      } catch (error) {
        if (lastAttempt || isPermanentJobFailure(error)) {
          await recordAudioFailure(deps, audioId, error, version);
          deps.logger.warn({ audio_id: audioId, err: error }, "lesson audio failed");
        }
        throw error;
      }
    },
  };
}
