/**
 * Modules with the learner's progress and lock state, unit progress (start, complete), and the
 * progress delta sync. The unlock rule: module N+1 opens when module N has completion_pct >= 80 and
 * quiz_score_avg >= 80 (or was marked known by a pre-assessment); every prereq_modules entry too.
 */
import { z } from "zod";
import { MAX_PAGE_LIMIT, pageQuerySchema } from "./common.ts";

export const MODULE_STATUSES = ["locked", "available", "in_progress", "completed"] as const;
export const LOCK_REASONS = ["previous_module", "prereq_modules"] as const;
export const UNIT_STATUSES = ["not_started", "in_progress", "completed"] as const;

const iso = z.iso.datetime();

/** The learner's progress through a module, as the module lists and the progress sync carry it. */
const moduleProgressShape = {
  status: z.enum(MODULE_STATUSES),
  completion_pct: z.number(),
  /**
   * Mean of the best summative score of each quiz unit (null until a summative test is submitted;
   * null never unlocks). Formative quizzes are practice and do not count.
   */
  quiz_score_avg: z.number().nullable(),
  time_spent_seconds: z.number().int(),
  started_at: iso.nullable(),
  completed_at: iso.nullable(),
  tested_out_at: iso.nullable(),
};

/** A module of a course with the caller's progress and lock state. */
export const moduleSummarySchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  module_number: z.number().int(),
  title: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  level: z.number().int(),
  bloom_level: z.string(),
  estimated_hours: z.number().int(),
  unit_count: z.number().int(),
  prereq_modules: z.array(z.uuid()),
  ...moduleProgressShape,
  locked: z.boolean(),
  lock_reasons: z.array(z.enum(LOCK_REASONS)),
  /** Modules to pass first (the previous one and/or unmet prerequisites). */
  blocked_by: z.array(z.uuid()),
});
export type ModuleSummary = z.infer<typeof moduleSummarySchema>;
export const MODULE_FIELDS = Object.keys(moduleSummarySchema.shape);

export const moduleListQuery = pageQuerySchema.extend({ course_id: z.uuid() });
export type ModuleListQuery = z.infer<typeof moduleListQuery>;

export const unitProgressSchema = z.object({
  id: z.uuid(),
  unit_number: z.number().int(),
  unit_type: z.string(),
  title: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  estimated_minutes: z.number().int(),
  status: z.enum(UNIT_STATUSES),
  /** Best score 0-100 of a scored unit (quiz, case study). */
  score: z.number().nullable(),
  time_spent_seconds: z.number().int(),
  started_at: iso.nullable(),
  completed_at: iso.nullable(),
});
export type UnitProgress = z.infer<typeof unitProgressSchema>;

/** GET /modules/{id}: the module, its objectives in both languages and resolved, and its units with progress. */
export const moduleDetailSchema = moduleSummarySchema.extend({
  description: z.string(),
  description_fr: z.string(),
  description_en: z.string(),
  objectives: z.array(z.string()),
  objectives_fr: z.array(z.string()),
  objectives_en: z.array(z.string()),
  units: z.array(unitProgressSchema),
});
export type ModuleDetail = z.infer<typeof moduleDetailSchema>;

export const moduleParams = z.object({ module_id: z.uuid() });
export const unitProgressParams = z.object({ module_id: z.uuid(), unit_id: z.uuid() });

/** `time_spent_seconds` is the learner's running total on the unit: the largest value reported is kept. */
export const unitCompleteInput = z.strictObject({
  time_spent_seconds: z.number().int().min(0).max(1_000_000).optional(),
});
export type UnitCompleteInput = z.infer<typeof unitCompleteInput>;

/** A unit's stored progress, as delta sync and the start/complete answers carry it. */
export const unitProgressChangeSchema = z.object({
  kind: z.literal("unit"),
  id: z.uuid(),
  unit_id: z.uuid(),
  module_id: z.uuid(),
  status: z.enum(["in_progress", "completed"]),
  score: z.number().nullable(),
  time_spent_seconds: z.number().int(),
  started_at: iso,
  completed_at: iso.nullable(),
  updated_at: iso,
});
export type UnitProgressChange = z.infer<typeof unitProgressChangeSchema>;

/** A module's stored progress (status as stored at the last write; lists compute it live). */
export const moduleProgressChangeSchema = z.object({
  kind: z.literal("module"),
  id: z.uuid(),
  module_id: z.uuid(),
  course_id: z.uuid(),
  ...moduleProgressShape,
  last_unit_id: z.uuid().nullable(),
  updated_at: iso,
});
export type ModuleProgressChange = z.infer<typeof moduleProgressChangeSchema>;

export const progressChangeSchema = z.discriminatedUnion("kind", [
  moduleProgressChangeSchema,
  unitProgressChangeSchema,
]);
export type ProgressChange = z.infer<typeof progressChangeSchema>;
export const progressSinceQuery = z.object({
  since: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(MAX_PAGE_LIMIT),
});

/** POST .../start and .../complete: the unit's progress and its module's after the write. */
export const unitActionSchema = z.object({
  unit: unitProgressChangeSchema,
  module: moduleProgressChangeSchema,
  /** Modules of the course opened by this write. */
  unlocked_modules: z.array(z.uuid()),
});
export type UnitAction = z.infer<typeof unitActionSchema>;
