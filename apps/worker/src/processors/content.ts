/** Generation jobs: content-generation (lessons, quizzes, flashcards, cases) and syllabus-generation. */
import { runGeneration, runPregeneration, runStructureGeneration } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function contentHandlers(
  deps: WorkerDeps,
): Pick<JobHandlers, "generate" | "pregenerate" | "generate-structure"> {
  return {
    generate: (data, { signal, job, lastAttempt }) =>
      runGeneration(deps, data, signal, { attempt: job.attemptsMade + 1, lastAttempt }),
    pregenerate: (data) => runPregeneration(deps, data),
    "generate-structure": (data, { signal, lastAttempt }) =>
      runStructureGeneration(deps, data, { signal, lastAttempt }),
  };
}
