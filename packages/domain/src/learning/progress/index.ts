export { assertModuleUnlocked, managesCourse } from "./lock.ts";
export { markModulesKnown, recordModuleQuizResult } from "./quiz-result.ts";
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
} from "./rules.ts";
export { markUnitCompleted, markUnitStarted } from "./units.ts";
