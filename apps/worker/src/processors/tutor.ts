/**
 * Tutor jobs: writing an answer, then the learner memory and the conversation summary. An answer
 * whose job ends in failure (its last attempt, or a permanent error) is failed and given back.
 */
import { answerTutorQuestion, failTutorAnswer, isPermanentJobFailure, updateMemoryAfterTurn } from "@sira/domain";
import type { WorkerDeps } from "../deps.ts";
import type { JobHandlers } from "../dispatch.ts";

export function tutorHandlers(deps: WorkerDeps): Pick<JobHandlers, "tutor-answer" | "tutor-memory"> {
  return {
    "tutor-answer": async ({ answerId }, { signal, job, lastAttempt }) => {
      try {
        return await answerTutorQuestion(deps, answerId, signal);
      } catch (error) {
        if (lastAttempt || isPermanentJobFailure(error)) {
          deps.logger.warn({ answer_id: answerId, err: error }, "tutor answer failed");
          const failure = { attempts: job.attemptsMade + 1, model: deps.ai.tutor.model };
          await failTutorAnswer(deps, answerId, failure).catch((err: unknown) =>
            deps.logger.error({ answer_id: answerId, err }, "tutor answer failure not recorded"),
          );
        }
        throw error;
      }
    },
    "tutor-memory": (data) => updateMemoryAfterTurn(deps, data.answerId),
  };
}
