/**
 * Adaptive quizzes, placement and course pre-assessment. A question as served has no field for its
 * answer key or explanation: they leave the server only in an answer's result or a review.
 */
import { z } from "zod";
import { SourceRefSchema } from "./content.ts";

export const MODULE_QUIZ_KINDS = ["formative", "summative"] as const;
export type ModuleQuizKind = (typeof MODULE_QUIZ_KINDS)[number];

export const quizModuleParams = z.object({ module_id: z.uuid() });
export const quizKindQuery = z.object({ kind: z.enum(MODULE_QUIZ_KINDS).default("formative") });

/** A question as the learner sees it before answering (no correct option, no explanation). */
export const quizQuestionSchema = z.strictObject({
  id: z.uuid(),
  /** 1-based position in the attempt. */
  position: z.number().int().min(1),
  stem: z.string(),
  options: z.array(z.string()).length(4),
  difficulty: z.number().int().min(1).max(5),
  question_type: z.string(),
});
export type ServedQuestion = z.infer<typeof quizQuestionSchema>;

export const quizAttemptSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["formative", "summative", "placement", "preassessment"]),
  status: z.enum(["in_progress", "submitted", "abandoned"]),
  language: z.enum(["fr", "en"]),
  item_count: z.number().int(),
  /** Null while a summative test is in progress: its correctness is withheld until submission. */
  correct_count: z.number().int().nullable(),
  max_items: z.number().int(),
  /** Ability estimate in logits (Rasch, EAP) and its standard error; null as `correct_count` is. */
  theta: z.number().nullable(),
  se: z.number().nullable(),
  started_at: z.iso.datetime(),
  submitted_at: z.iso.datetime().nullable(),
});
export type QuizAttemptView = z.infer<typeof quizAttemptSchema>;

/** An attempt and its current question (null once the stop rule says stop). */
export const quizStateSchema = z.object({
  attempt: quizAttemptSchema,
  question: quizQuestionSchema.nullable(),
  finished: z.boolean(),
});
export type QuizState = z.infer<typeof quizStateSchema>;

export const quizAnswerInput = z.strictObject({
  attempt_id: z.uuid(),
  item_id: z.uuid(),
  selected_option: z.number().int().min(0).max(3),
  duration_ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .optional(),
});
export type QuizAnswerInput = z.infer<typeof quizAnswerInput>;

/**
 * An answer's result. `feedback` says what it carries: `immediate` (formative quizzes, placement,
 * pre-assessment) gives correctness, key, explanation, source and the estimate after the answer;
 * `after_submission` (summative tests) gives none of them, only the next question: keys and
 * explanations come with the submitted result's review (decision 0049).
 */
export const quizAnswerResultSchema = z.object({
  attempt_id: z.uuid(),
  item_id: z.uuid(),
  feedback: z.enum(["immediate", "after_submission"]),
  correct: z.boolean().nullable(),
  correct_option: z.number().int().min(0).max(3).nullable(),
  explanation: z.string().nullable(),
  source: SourceRefSchema.nullable(),
  next_question: quizQuestionSchema.nullable(),
  theta: z.number().nullable(),
  se: z.number().nullable(),
  item_count: z.number().int(),
  finished: z.boolean(),
});
export type QuizAnswerResult = z.infer<typeof quizAnswerResultSchema>;

export const quizSubmitInput = z.strictObject({ attempt_id: z.uuid() });

export const quizReviewItemSchema = z.object({
  item_id: z.uuid(),
  position: z.number().int(),
  stem: z.string(),
  options: z.array(z.string()),
  selected_option: z.number().int().nullable(),
  correct_option: z.number().int(),
  correct: z.boolean(),
  explanation: z.string(),
  source: SourceRefSchema.nullable(),
  difficulty: z.number().int(),
  theta_after: z.number(),
  se_after: z.number(),
});

export const quizResultSchema = z.object({
  attempt_id: z.uuid(),
  kind: quizAttemptSchema.shape.kind,
  /**
   * The score the 80 gate reads, 0-100. A module quiz: the expected domain score, the Rasch expected
   * percentage correct over the module's whole bank at the learner's estimated ability (decision
   * 0049). Placement and pre-assessment: the percentage of correct answers.
   */
  score: z.number(),
  /** Percentage of correct answers, 0-100. */
  raw_score: z.number(),
  /** Standard error of `score`, in points (null when the score is a percentage correct). */
  score_se: z.number().nullable(),
  theta: z.number(),
  se: z.number().nullable(),
  item_count: z.number().int(),
  correct_count: z.number().int(),
  submitted_at: z.iso.datetime(),
  review: z.array(quizReviewItemSchema),
});
export type QuizResult = z.infer<typeof quizResultSchema>;

// Placement

export const placementStartQuery = z.object({
  /** A taxonomy domain slug: a per-domain bank instead of the cross-course one. */
  domain: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/)
    .optional(),
});

export const placementStateSchema = quizStateSchema.extend({ result_level: z.number().int().min(1).max(4).nullable() });
export type PlacementState = z.infer<typeof placementStateSchema>;

export const placementAnswerResultSchema = quizAnswerResultSchema.extend({
  result_level: z.number().int().min(1).max(4).nullable(),
});
export type PlacementAnswerResult = z.infer<typeof placementAnswerResultSchema>;

export const placementStatusSchema = z.object({
  current_level: z.number().int().min(1).max(4),
  latest: z
    .object({
      attempt_id: z.uuid(),
      result_level: z.number().int().min(1).max(4),
      theta: z.number(),
      se: z.number().nullable(),
      score: z.number().nullable(),
      domain: z.string().nullable(),
      finished_at: z.iso.datetime(),
    })
    .nullable(),
  in_progress_attempt_id: z.uuid().nullable(),
  /** When a new test may start; null when it may start now. */
  retake_allowed_at: z.iso.datetime().nullable(),
});
export type PlacementStatus = z.infer<typeof placementStatusSchema>;

// Course pre-assessment

export const PREASSESSMENT_STATUSES = ["not_generated", "queued", "generating", "ready", "failed"] as const;

export const preassessmentCourseParams = z.object({ course_id: z.uuid() });

export const preassessmentConfigSchema = z.object({
  course_id: z.uuid(),
  is_enabled: z.boolean(),
  max_items: z.number().int(),
  known_threshold_pct: z.number().int(),
  generation_status: z.enum(PREASSESSMENT_STATUSES),
  generation_error: z.string().nullable(),
  generated_at: z.iso.datetime().nullable(),
  /** Active items per language. */
  item_counts: z.object({ fr: z.number().int(), en: z.number().int() }),
  updated_at: z.iso.datetime().nullable(),
});
export type PreassessmentConfig = z.infer<typeof preassessmentConfigSchema>;

export const preassessmentConfigInput = z.strictObject({
  is_enabled: z.boolean().optional(),
  max_items: z.number().int().min(1).max(50).optional(),
  known_threshold_pct: z.number().int().min(0).max(100).optional(),
});
export type PreassessmentConfigInput = z.infer<typeof preassessmentConfigInput>;

export const preassessmentGenerationSchema = z.object({
  status: z.enum(PREASSESSMENT_STATUSES),
  job_id: z.string(),
});

export const preassessmentResultSchema = z.object({
  attempt_id: z.uuid(),
  score: z.number(),
  theta: z.number(),
  se: z.number(),
  /** % correct per module among that module's items answered. */
  module_scores: z.record(z.string(), z.number()),
  known_module_ids: z.array(z.uuid()),
  suggested_module_id: z.uuid().nullable(),
  created_at: z.iso.datetime(),
});
export type PreassessmentResult = z.infer<typeof preassessmentResultSchema>;

export const preassessmentStatusSchema = z.object({
  course_id: z.uuid(),
  available: z.boolean(),
  max_items: z.number().int(),
  known_threshold_pct: z.number().int(),
  in_progress_attempt_id: z.uuid().nullable(),
  latest_result: preassessmentResultSchema.nullable(),
});
export type PreassessmentStatus = z.infer<typeof preassessmentStatusSchema>;

export const preassessmentStateSchema = quizStateSchema.extend({ result: preassessmentResultSchema.nullable() });
export type PreassessmentState = z.infer<typeof preassessmentStateSchema>;

export const preassessmentAnswerResultSchema = quizAnswerResultSchema.extend({
  result: preassessmentResultSchema.nullable(),
});
export type PreassessmentAnswerResult = z.infer<typeof preassessmentAnswerResultSchema>;
