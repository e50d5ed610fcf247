/** Learning-engine queues: preassessment-generation (a course pre-assessment's item bank). */
import { isPermanentFailure, type PreassessmentJobData, runPreassessmentGeneration } from "@sira/domain";
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";

export function learningProcessors(deps: WorkerDeps): Processors {
  return {
    "preassessment-generation": async (job: Job) => {
      if (job.name !== "generate-preassessment") throw new Error(`unknown preassessment-generation job ${job.name}`);
      try {
        return await runPreassessmentGeneration(deps, job.data as PreassessmentJobData);
      } catch (error) {
        // Nothing indexed to draw from: retrying cannot help, so fail the job at once.
        if (isPermanentFailure(error)) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
  };
}
