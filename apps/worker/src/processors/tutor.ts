/** Tutor jobs: writing an answer, then the learner memory and the conversation summary. */
import { answerTutorQuestion, updateMemoryAfterTurn } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function tutorHandlers(deps: WorkerDeps): Pick<JobHandlers, "tutor-answer" | "tutor-memory"> {
  return {
    "tutor-answer": (data, { signal }) => answerTutorQuestion(deps, data.answerId, signal),
    "tutor-memory": (data) => updateMemoryAfterTurn(deps, data.answerId),
  };
}
