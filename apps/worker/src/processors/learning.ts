/** Learning-engine jobs: a course pre-assessment's item bank. */
import { runPreassessmentGeneration } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function learningHandlers(deps: WorkerDeps): Pick<JobHandlers, "generate-preassessment"> {
  return {
    "generate-preassessment": (data) => runPreassessmentGeneration(deps, data),
  };
}
