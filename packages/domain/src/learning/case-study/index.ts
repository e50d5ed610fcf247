/** Case studies for learners: read without the correction, submit answers, then the correction. */
export { CASE_STUDY_RETRY_AFTER_SECONDS, getCaseStudy, submitCaseStudy } from "./case-study.ts";
