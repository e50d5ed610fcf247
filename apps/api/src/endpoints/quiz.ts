/**
 * The adaptive tests: a module's quiz, the placement test, and a course's pre-assessment (with its
 * back-office settings). Questions never carry their answer key; replaying an answer or a submit
 * returns the same result.
 */
import {
  placementAnswerResultSchema,
  placementStartQuery,
  placementStateSchema,
  placementStatusSchema,
  preassessmentAnswerResultSchema,
  preassessmentConfigInput,
  preassessmentConfigSchema,
  preassessmentCourseParams,
  preassessmentGenerationSchema,
  preassessmentStateSchema,
  preassessmentStatusSchema,
  quizAnswerInput,
  quizAnswerResultSchema,
  quizKindQuery,
  quizModuleParams,
  quizResultSchema,
  quizStateSchema,
  quizSubmitInput,
} from "@sira/contracts";
import {
  answerModuleQuiz,
  answerPlacement,
  answerPreassessment,
  getPlacementStatus,
  getPreassessmentConfig,
  getPreassessmentStatus,
  requestPreassessmentGeneration,
  startModuleQuiz,
  startPlacement,
  startPreassessment,
  submitModuleQuiz,
  updatePreassessmentConfig,
} from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";
import { COURSE_ACCESS, MODULE_ACCESS } from "./access-errors.ts";

const QUIZ = "/api/v1/modules/{module_id}/quiz";
const QUIZ_ERRORS = [...MODULE_ACCESS, "QUIZ_NOT_READY", "NO_INDEXED_CONTENT"] as const;

export const quizEndpoints = {
  start: endpoint({
    method: "get",
    path: QUIZ,
    auth: "learner",
    summary:
      "Start or resume the learner's adaptive quiz on the module (?kind=formative: 10 items, summative: 20). " +
      "The current question comes without its answer; 409 QUIZ_NOT_READY (Retry-After) while it is generated; " +
      "409 QUIZ_COOLDOWN (Retry-After, retry_at) for a summative retake before quiz.summative_cooldown_hours",
    params: quizModuleParams,
    query: quizKindQuery,
    output: quizStateSchema,
    errors: [...QUIZ_ERRORS, "QUIZ_COOLDOWN"],
    handle: ({ ctx, input, now }) => startModuleQuiz(ctx.deps, ctx.learner, input.module_id, input.kind, now),
  }),
  answer: endpoint({
    method: "post",
    path: `${QUIZ}/answer`,
    auth: "learner",
    summary:
      "Answer the current question: correctness, the correct option, explanation, source and the next " +
      "question (null once the test stops); a summative answer gives only the next question (feedback " +
      "after_submission). Replaying the same answer returns the same result",
    params: quizModuleParams,
    body: quizAnswerInput,
    output: quizAnswerResultSchema,
    errors: [...QUIZ_ERRORS, "ATTEMPT_FINISHED", "ITEM_NOT_CURRENT"],
    handle: ({ ctx, input: { module_id, ...answer } }) =>
      answerModuleQuiz(ctx.deps, ctx.learner, module_id, answer, ctx.meta.occurredAt),
  }),
  submit: endpoint({
    method: "post",
    path: `${QUIZ}/submit`,
    auth: "learner",
    summary:
      "Finish the attempt: score (the expected domain score; a summative score is what the 80 gate reads, " +
      "a formative quiz is practice) with its standard error, " +
      "raw score (% correct), ability estimate and its standard error, and a per-question review with keys " +
      "and explanations. Submitting again returns the same result",
    params: quizModuleParams,
    body: quizSubmitInput,
    output: quizResultSchema,
    errors: [...QUIZ_ERRORS, "ATTEMPT_FINISHED"],
    handle: ({ ctx, input }) =>
      submitModuleQuiz(ctx.deps, ctx.learner, input.module_id, input.attempt_id, ctx.meta.occurredAt),
  }),
};

const PLACEMENT = "/api/v1/users/me/placement";

export const placementEndpoints = {
  status: endpoint({
    method: "get",
    path: PLACEMENT,
    auth: "learner",
    summary: "The caller's level, latest placement result, test in progress and when a retake is allowed",
    output: placementStatusSchema,
    handle: ({ ctx, now }) => getPlacementStatus(ctx.deps.db, ctx.viewer.userId, now),
  }),
  start: endpoint({
    method: "post",
    path: PLACEMENT,
    auth: "learner",
    summary:
      "Start (or resume) the placement test: up to 12 adaptive questions over published courses in the " +
      "request's language (?domain=<taxonomy slug> for one domain). 409 PLACEMENT_COOLDOWN before a retake " +
      "is allowed, 409 QUIZ_NOT_READY when no questions exist",
    query: placementStartQuery,
    output: placementStateSchema,
    errors: ["PLACEMENT_COOLDOWN", "QUIZ_NOT_READY"],
    handle: ({ ctx, input }) =>
      startPlacement(ctx.deps.db, {
        userId: ctx.viewer.userId,
        language: ctx.lang,
        domain: input.domain ?? null,
        at: ctx.meta.occurredAt,
      }),
  }),
  answer: endpoint({
    method: "post",
    path: `${PLACEMENT}/answer`,
    auth: "learner",
    summary:
      "Answer the current question; when the test stops, result_level (1-4) is assigned as current_level " +
      "(θ cut-offs -1, 0, 1)",
    body: quizAnswerInput,
    output: placementAnswerResultSchema,
    errors: ["NOT_FOUND", "ATTEMPT_FINISHED", "ITEM_NOT_CURRENT"],
    handle: ({ ctx, input }) => answerPlacement(ctx.deps, ctx.viewer.userId, input, ctx.meta.occurredAt),
  }),
};

const LEARNER = "/api/v1/courses/{course_id}/preassessment";

export const preassessmentEndpoints = {
  status: endpoint({
    method: "get",
    path: LEARNER,
    auth: "learner",
    summary: "Whether the course offers a pre-assessment now, the attempt in progress and the latest result",
    params: preassessmentCourseParams,
    output: preassessmentStatusSchema,
    errors: COURSE_ACCESS,
    handle: ({ ctx, input }) => getPreassessmentStatus(ctx.deps.db, ctx.viewer, input.course_id, ctx.lang),
  }),
  start: endpoint({
    method: "post",
    path: `${LEARNER}/start`,
    auth: "learner",
    summary:
      "Start or resume the pre-assessment (409 PREASSESSMENT_UNAVAILABLE when not offered, PREASSESSMENT_TAKEN once taken)",
    params: preassessmentCourseParams,
    output: preassessmentStateSchema,
    errors: [...COURSE_ACCESS, "PREASSESSMENT_UNAVAILABLE", "PREASSESSMENT_TAKEN"],
    handle: ({ ctx, input }) =>
      startPreassessment(ctx.deps.db, ctx.viewer, input.course_id, ctx.lang, ctx.meta.occurredAt),
  }),
  answer: endpoint({
    method: "post",
    path: `${LEARNER}/answer`,
    auth: "learner",
    summary:
      "Answer the current question; when it stops, the result gives per-module scores, the modules marked " +
      "known and a suggested starting module",
    params: preassessmentCourseParams,
    body: quizAnswerInput,
    output: preassessmentAnswerResultSchema,
    errors: [...COURSE_ACCESS, "PREASSESSMENT_UNAVAILABLE", "ATTEMPT_FINISHED", "ITEM_NOT_CURRENT"],
    handle: ({ ctx, input: { course_id, ...answer } }) =>
      answerPreassessment(ctx.deps, ctx.viewer, course_id, answer, ctx.meta.occurredAt),
  }),
};

const ADMIN = "/api/v1/admin/courses/{course_id}/preassessment";

/** Under `admin`: admins, and experts on the courses they may edit. */
export const adminPreassessmentEndpoints = {
  get: endpoint({
    method: "get",
    path: ADMIN,
    auth: "expert",
    summary: "The course's pre-assessment settings and item bank status",
    params: preassessmentCourseParams,
    output: preassessmentConfigSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getPreassessmentConfig(ctx.deps.db, ctx.viewer, input.course_id),
  }),
  update: endpoint({
    method: "put",
    path: ADMIN,
    auth: "expert",
    summary: "Change the pre-assessment settings given (is_enabled, max_items 1-50, known_threshold_pct 0-100)",
    params: preassessmentCourseParams,
    body: preassessmentConfigInput,
    output: preassessmentConfigSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { course_id, ...changes } }) =>
      updatePreassessmentConfig(ctx.deps.db, ctx.viewer, course_id, changes, ctx.meta),
  }),
  generate: endpoint({
    method: "post",
    path: `${ADMIN}/generate`,
    auth: "expert",
    summary:
      "Build the pre-assessment's item bank in the background (a few questions per module and language); " +
      "follow generation_status on the settings",
    params: preassessmentCourseParams,
    output: preassessmentGenerationSchema,
    status: 202,
    errors: ["NOT_FOUND", "NO_INDEXED_CONTENT", "CONFLICT"],
    handle: ({ ctx, input }) =>
      requestPreassessmentGeneration(ctx.deps, ctx.viewer, input.course_id, ctx.learner.country, ctx.meta),
  }),
};
