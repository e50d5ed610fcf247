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
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";

/** A 4xx domain error (e.g. NO_INDEXED_CONTENT) will not go away by retrying: fail the job at once. */
async function failFastOn4xx<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isPermanentFailure(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
}

export function contentProcessors(deps: WorkerDeps): Processors {
  return {
    "content-generation": async (job: Job, _token?: string, signal?: AbortSignal) => {
      switch (job.name) {
        case "generate":
          return failFastOn4xx(() => runGeneration(deps, job.data as GenerationJobData, signal));
        case "pregenerate":
          return failFastOn4xx(() => runPregeneration(deps, job.data as PregenerationJobData));
        default:
          throw new Error(`unknown content-generation job ${job.name}`);
      }
    },
    "syllabus-generation": async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (job.name !== "generate-structure") throw new Error(`unknown syllabus-generation job ${job.name}`);
      return runStructureGeneration(deps, job.data as StructureJobData, signal);
    },
  };
}
