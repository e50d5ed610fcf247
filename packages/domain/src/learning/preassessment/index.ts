/** Course pre-assessment: admin settings, the item-bank generation job, and learners' attempts and results. */
export { answerPreassessment, getPreassessmentStatus, startPreassessment } from "./attempts.ts";
export {
  getPreassessmentConfig,
  type PreassessmentJobData,
  preassessmentJobId,
  requestPreassessmentGeneration,
  updatePreassessmentConfig,
} from "./config.ts";
export {
  isKnown,
  type ModuleEvidence,
  moduleEvidence,
  PREASSESSMENT_MAX_SE,
  PREASSESSMENT_MIN_ITEMS,
  PREASSESSMENT_MIN_THETA,
  type PreassessmentResponse,
} from "./evidence.ts";
export {
  PREASSESSMENT_ITEMS_PER_MODULE,
  type PreassessmentGenerationOutcome,
  runPreassessmentGeneration,
  spreadByDifficulty,
} from "./generation.ts";
