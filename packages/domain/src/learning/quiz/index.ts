/** Adaptive quizzes: the item bank, the CAT attempt engine, module quizzes, results and their reproduction. */
export { ensureModuleBank, QUIZ_RETRY_AFTER_SECONDS } from "./bank.ts";
export {
  CALIBRATION_MAX_ATTEMPTS,
  type CalibrationReport,
  listFlaggedQuizItems,
  runItemCalibration,
} from "./calibration.ts";
export {
  type AnswerOutcome,
  answerCurrentItem,
  type BankScope,
  bankWhere,
  findInProgress,
  startOrResumeAttempt,
} from "./engine.ts";
export { citedSource, draftsOf, insertItems, materialiseQuizItems, type QuizContentRow } from "./items.ts";
export {
  answerModuleQuiz,
  closeIdleSummativeAttempts,
  closeIfIdle,
  SUMMATIVE_IDLE_LIMIT_MS,
  startModuleQuiz,
  submitModuleQuiz,
  toAnswerResult,
} from "./module-quiz.ts";
export { attemptReview, type ReproducedAttempt, reproduceAttempt, scoreOf } from "./results.ts";
export { ensureFreshSummativeItems, type QuizTopUpOutcome, runQuizTopUp } from "./top-up.ts";
