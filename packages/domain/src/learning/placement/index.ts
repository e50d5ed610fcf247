/** The placement test: a short cross-course (or per-domain) CAT that sets the learner's current level. */
export { answerPlacement, getPlacementStatus, startPlacement } from "./placement.ts";
