/** Generation queues: content-generation (lessons, quizzes, flashcards, cases) and syllabus-generation. */
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";

export function contentProcessors(_deps: WorkerDeps): Processors {
  return {};
}
