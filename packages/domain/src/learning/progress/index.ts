export {
  enrollmentCompletion,
  type LockReason,
  type LockState,
  lockStates,
  type ModuleStatus,
  modulePassed,
  moduleStatus,
  UNLOCK_COMPLETION_PCT,
  UNLOCK_QUIZ_AVG,
} from "../../unlock/rules.ts";
export { completeUnit, type ProgressDeps, startUnit } from "./actions.ts";
export { lessonReadingsSince, type ReadingDelta, recordLessonReading } from "./lesson-reading.ts";
export { markModulesKnown, recordModuleQuizResult } from "./quiz-result.ts";
export { getModuleProgress, listCourseModules, type ProgressReader } from "./read.ts";
export { type ProgressDelta, progressSince } from "./sync.ts";
export { markUnitCompleted, markUnitStarted } from "./units.ts";
