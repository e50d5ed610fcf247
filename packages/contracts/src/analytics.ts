/**
 * `GET /admin/analytics`: platform figures for admins, and the same figures limited to their own
 * courses for experts. Event figures come from the daily roll-ups (UTC days); learning figures
 * (funnel, module rates, item statistics) from the progress and quiz tables.
 */
import { z } from "zod";
import { requestDaySchema } from "./common.ts";

/** The longest range one request may ask for (a quarter, for the daily series). */
export const ANALYTICS_MAX_RANGE_DAYS = 92;
/** Modules and items listed at most (most active first), with their totals beside. */
export const ANALYTICS_MODULE_LIMIT = 200;
export const ANALYTICS_ITEM_LIMIT = 500;

export const analyticsQuery = z
  .object({
    /** Limit the figures to one course (an expert's own, or any for an admin). */
    course_id: z.uuid().optional(),
    /** First and last UTC day of the range (YYYY-MM-DD); by default the 30 days ending today. */
    from: requestDaySchema.optional(),
    to: requestDaySchema.optional(),
    /** Weekly signup cohorts shown in the retention table (1 to 26). */
    cohort_weeks: z.coerce.number().int().min(1).max(26).default(8),
  })
  .strict();
export type AnalyticsQuery = z.infer<typeof analyticsQuery>;

const windows = z.object({ day: z.number().int(), week: z.number().int(), month: z.number().int() });
const rate = z.number().min(0).max(1).nullable();

export const analyticsReportSchema = z.object({
  generated_at: z.iso.datetime(),
  /** When the roll-ups were last rebuilt (null before the first run). */
  rolled_at: z.iso.datetime().nullable(),
  /** `platform` for an admin without `course_id`; `courses` when limited to some courses. */
  scope: z.enum(["platform", "courses"]),
  course_ids: z.array(z.uuid()).nullable(),
  from: z.iso.date(),
  to: z.iso.date(),
  /** Distinct users active on `to`, in the 7 and in the 30 days ending on `to`. */
  active_users: windows,
  /** New accounts (platform) or new learners of the courses (scoped), same windows. */
  new_users: windows,
  daily: z.array(z.object({ day: z.iso.date(), active_users: z.number().int(), events: z.number().int() })),
  /** Weekly cohorts (Monday-based): `retained[k]` learners of the cohort active in its week k. */
  retention: z.array(
    z.object({ week: z.iso.date(), size: z.number().int(), retained: z.array(z.number().int()), rates: z.array(rate) }),
  ),
  funnel: z.array(
    z.object({
      course_id: z.uuid(),
      title: z.string(),
      enrolled: z.number().int(),
      first_lesson: z.number().int(),
      quiz_passed: z.number().int(),
      module_completed: z.number().int(),
    }),
  ),
  modules: z.array(
    z.object({
      module_id: z.uuid(),
      course_id: z.uuid(),
      module_number: z.number().int(),
      title: z.string(),
      started: z.number().int(),
      completed: z.number().int(),
      completion_rate: rate,
      quiz_takers: z.number().int(),
      quiz_passed: z.number().int(),
      pass_rate: rate,
    }),
  ),
  modules_total: z.number().int(),
  /** Classical item statistics over submitted module quizzes: facility and point-biserial discrimination. */
  items: z.array(
    z.object({
      item_id: z.uuid(),
      module_id: z.uuid(),
      n: z.number().int(),
      /** Share of correct answers. */
      p_value: z.number(),
      /** Correlation of the item's 0/1 score with the attempt's score; null when it cannot vary. */
      point_biserial: z.number().nullable(),
    }),
  ),
  items_total: z.number().int(),
  content: z.object({
    /** Lessons, quizzes and flashcard sets generated in the range. */
    generated: z.number().int(),
    /** Lessons opened by learners (read, whether just generated or from the cache). */
    lessons_read: z.number().int(),
    lessons_completed: z.number().int(),
    audio_plays: z.number().int(),
    audio_seconds: z.number().int(),
  }),
  tutor: z.object({
    messages: z.number().int(),
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    cost_usd: z.number(),
  }),
  /**
   * From the ledger: course sales, and credits spent on courses, commission and expert earnings net
   * of the refunds given in the range (as the revenue report counts them); mobile-money payments
   * (platform only).
   */
  revenue: z.object({
    course_sales: z.number().int(),
    course_credits: z.number().int(),
    commission_credits: z.number().int(),
    expert_earnings: z.number().int(),
    payments: z.number().int().nullable(),
    payments_amount: z.number().int().nullable(),
  }),
});
export type AnalyticsReport = z.infer<typeof analyticsReportSchema>;
