/** GET /dashboard: the learner's home screen in one small, cached answer. */
import { z } from "zod";

const iso = z.iso.datetime();

export const dashboardCourseSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  completion_pct: z.number(),
  /** The first open module not passed yet; null once every module is passed. */
  current_module: z.object({ id: z.uuid(), module_number: z.number().int(), title: z.string() }).nullable(),
});

export const dashboardSchema = z.object({
  /** Consecutive days with learning, 0 once a day was missed. */
  streak_days: z.number().int(),
  last_active: iso.nullable(),
  /** Active enrollments, most recently active first. */
  courses: z.array(dashboardCourseSchema),
  /** Flashcard reviews due now. */
  due_reviews: z.number().int(),
  /** The last five submitted module quizzes, newest first. */
  recent_quizzes: z.array(
    z.object({ module_id: z.uuid(), module_title: z.string(), score: z.number(), submitted_at: iso }),
  ),
  /** First unfinished unit of the current module of the most recently active course. */
  next_unit: z
    .object({
      course_id: z.uuid(),
      module_id: z.uuid(),
      unit_id: z.uuid(),
      unit_type: z.string(),
      title: z.string(),
    })
    .nullable(),
  tutor_messages_left: z.number().int(),
  tutor_daily_limit: z.number().int(),
  generated_at: iso,
});
export type Dashboard = z.infer<typeof dashboardSchema>;
