/** Learning-engine jobs: a course pre-assessment's item bank, item calibration, idle tests closed, quiz banks topped up. */
import { closeIdleSummativeAttempts, runItemCalibration, runPreassessmentGeneration, runQuizTopUp } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function learningHandlers(
  deps: WorkerDeps,
): Pick<JobHandlers, "generate-preassessment" | "calibrate-items" | "close-idle-quiz-attempts" | "top-up-quiz-bank"> {
  return {
    "generate-preassessment": (data) => runPreassessmentGeneration(deps, data),
    "calibrate-items": () => runItemCalibration(deps),
    "close-idle-quiz-attempts": () => closeIdleSummativeAttempts(deps),
    "top-up-quiz-bank": (data, { signal }) => runQuizTopUp(deps, data, signal),
  };
}
