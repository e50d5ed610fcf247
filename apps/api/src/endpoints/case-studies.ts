/**
 * Case studies for learners (decision 0051): a case-study unit read without its correction (409
 * CASE_STUDY_NOT_READY with Retry-After while it is generated), and the learner's answers, which
 * complete the unit and return the annotated correction. Access and lock as for lessons.
 */
import { caseStudyParams, caseStudySchema, caseStudySubmitInput, caseStudySubmitResultSchema } from "@sira/contracts";
import { getCaseStudy, submitCaseStudy } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";
import { MODULE_ACCESS } from "./access-errors.ts";

const CASE = "/api/v1/modules/{module_id}/case-studies/{unit_id}";
const READ_ERRORS = [
  ...MODULE_ACCESS,
  "CASE_STUDY_NOT_READY",
  "NO_INDEXED_CONTENT",
  "GENERATION_QUOTA_EXCEEDED",
] as const;

export const caseStudyEndpoints = {
  get: endpoint({
    method: "get",
    path: CASE,
    auth: "learner",
    summary:
      "The case study in the request's language, at the learner's level and country: scenario, data and guided " +
      "questions; the annotated correction once the learner has submitted. 409 CASE_STUDY_NOT_READY " +
      "(Retry-After) after starting its generation",
    params: caseStudyParams,
    output: caseStudySchema,
    errors: READ_ERRORS,
    handle: ({ ctx, input }) => getCaseStudy(ctx.deps, ctx.learner, input.module_id, input.unit_id),
  }),
  submit: endpoint({
    method: "post",
    path: `${CASE}/submission`,
    auth: "learner",
    summary:
      "Submit answers to the case study read (content_id, version), one per guided question: stored (a " +
      "resubmission replaces them), the unit completed, the correction returned with the unit's progress",
    params: caseStudyParams,
    body: caseStudySubmitInput,
    output: caseStudySubmitResultSchema,
    errors: [...MODULE_ACCESS, "CONFLICT"],
    handle: ({ ctx, input: { module_id, unit_id, ...answers } }) =>
      submitCaseStudy(ctx.deps, ctx.learner, module_id, unit_id, answers, ctx.meta.occurredAt),
  }),
};
