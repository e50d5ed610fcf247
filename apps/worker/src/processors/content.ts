/** Generation queues: content-generation (lessons, quizzes, flashcards, cases) and syllabus-generation. */
import {
  type GenerationJobData,
  isPermanentFailure,
  type PregenerationJobData,
  runGeneration,
  runPregeneration,
  runStructureGeneration,
  type StructureJobData,
} from "@sira/domain";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";
import { failFast, unknownJob } from "./fail-fast.ts";

export function contentProcessors(deps: WorkerDeps): Processors {
  return {
    "content-generation": async (job: Job, _token?: string, signal?: AbortSignal) => {
      switch (job.name) {
        case "generate":
          return failFast(() => runGeneration(deps, job.data as GenerationJobData, signal), isPermanentFailure);
        case "pregenerate":
          return failFast(() => runPregeneration(deps, job.data as PregenerationJobData), isPermanentFailure);
        default:
          return unknownJob("content-generation", job);
      }
    },
    "syllabus-generation": async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (job.name !== "generate-structure") return unknownJob("syllabus-generation", job);
      return runStructureGeneration(deps, job.data as StructureJobData, signal);
    },
  };
}
