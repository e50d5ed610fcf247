/** The AI tutor: asking, answer streams, the answering job, conversations, memory and daily limits. */
export { type AnswerRef, answerEvents, findOwnAnswer, type TutorEvent } from "./answer-events.ts";
export { type AnswerFailure, failTutorAnswer } from "./answer-failure.ts";
export { answerTutorQuestion, openQuizItems, TUTOR_TOP_K, type TutorJobDeps } from "./answer-job.ts";
export { answerStreamKey, markListening } from "./answer-stream.ts";
export { type AskedTurn, type AskInput, askTutor, type TutorDeps } from "./ask.ts";
export { conversationHistory, deleteConversation, listConversations } from "./conversations.ts";
export { openTutorCourse } from "./course.ts";
export {
  chargeTutorMessage,
  NO_OVERAGE,
  refundTutorMessage,
  remainingOf,
  type TutorDay,
  type TutorOverage,
  tutorDay,
  tutorRemaining,
} from "./limits.ts";
export { LOST_ANSWER_GRACE_MS, settleLostTutorAnswers } from "./lost-answers.ts";
export {
  clearLearnerMemory,
  getLearnerMemory,
  type MemoryDeps,
  noteWrongAnswer,
  SUMMARY_WINDOW_MESSAGES,
  updateMemoryAfterTurn,
} from "./memory.ts";
