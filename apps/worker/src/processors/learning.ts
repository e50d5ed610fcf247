/** Learning-engine queues: preassessment-generation (a course pre-assessment's item bank). */
import { isPermanentFailure, type PreassessmentJobData, runPreassessmentGeneration } from "@sira/domain";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";
import { failFast, unknownJob } from "./fail-fast.ts";

export function learningProcessors(deps: WorkerDeps): Processors {
  return {
    "preassessment-generation": async (job: Job) => {
      if (job.name !== "generate-preassessment") return unknownJob("preassessment-generation", job);
      // Nothing indexed to draw from: retrying cannot help.
      return failFast(() => runPreassessmentGeneration(deps, job.data as PreassessmentJobData), isPermanentFailure);
    },
  };
}
