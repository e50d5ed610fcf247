/**
 * The platform overview for administrators: users, active users, enrollments and per-course
 * funnels. Every figure is aggregated by PostgreSQL (COUNT/FILTER/GROUP BY) in three statements;
 * only the aggregates (and at most ANALYTICS_COURSE_LIMIT course rows) reach Node.
 */
import { ANALYTICS_COURSE_LIMIT, type AnalyticsOverview, type CourseAnalytics, type Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { inLanguage } from "../bilingual.ts";

const DAY_MS = 86_400_000;

interface UserRow {
  total: number;
  learner: number;
  expert: number;
  admin: number;
  new_day: number;
  new_week: number;
  new_month: number;
}
interface ActiveRow {
  day: number;
  week: number;
  month: number;
}
interface EnrollmentRow {
  is_total: boolean;
  course_id: string | null;
  slug: string | null;
  title_fr: string | null;
  title_en: string | null;
  status: string | null;
  enrolled: number;
  active: number;
  completed: number;
  dropped: number;
  started: number;
  average_completion_pct: number | null;
  courses_total: number;
}

/** The analytics overview at `now` (rolling windows: 24 h, 7 days, 30 days). */
export async function analyticsOverview(db: Db, options: { now: Date; lang: Language }): Promise<AnalyticsOverview> {
  const { now, lang } = options;
  const day = new Date(now.getTime() - DAY_MS);
  const week = new Date(now.getTime() - 7 * DAY_MS);
  const month = new Date(now.getTime() - 30 * DAY_MS);

  const [[users], [active], enrollments] = await Promise.all([
    db.$queryRaw<UserRow[]>`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE role = 'learner')::int AS learner,
             count(*) FILTER (WHERE role = 'expert')::int AS expert,
             count(*) FILTER (WHERE role = 'admin')::int AS admin,
             count(*) FILTER (WHERE created_at > ${day} AND created_at <= ${now})::int AS new_day,
             count(*) FILTER (WHERE created_at > ${week} AND created_at <= ${now})::int AS new_week,
             count(*) FILTER (WHERE created_at > ${month} AND created_at <= ${now})::int AS new_month
        FROM users
       WHERE deleted_at IS NULL`,
    // Range scan on usage_events_occurred_at_idx: only the last 30 days are read.
    db.$queryRaw<ActiveRow[]>`
      SELECT count(DISTINCT user_id) FILTER (WHERE occurred_at > ${day})::int AS day,
             count(DISTINCT user_id) FILTER (WHERE occurred_at > ${week})::int AS week,
             count(DISTINCT user_id)::int AS month
        FROM usage_events
       WHERE occurred_at > ${month} AND occurred_at <= ${now} AND user_id IS NOT NULL`,
    enrollmentAggregates(db),
  ]);

  const totals = enrollments.find((r) => r.is_total);
  const courses = enrollments.filter((r) => !r.is_total).map((r) => courseAnalytics(r, lang));
  return {
    generated_at: now.toISOString(),
    users: {
      total: users?.total ?? 0,
      by_role: { learner: users?.learner ?? 0, expert: users?.expert ?? 0, admin: users?.admin ?? 0 },
      new: { day: users?.new_day ?? 0, week: users?.new_week ?? 0, month: users?.new_month ?? 0 },
      active: { day: active?.day ?? 0, week: active?.week ?? 0, month: active?.month ?? 0 },
    },
    enrollments: counts(totals),
    courses,
    courses_total: courses.length ? (enrollments.find((r) => !r.is_total)?.courses_total ?? 0) : 0,
  };
}

function counts(row: EnrollmentRow | undefined) {
  return {
    enrolled: row?.enrolled ?? 0,
    active: row?.active ?? 0,
    completed: row?.completed ?? 0,
    dropped: row?.dropped ?? 0,
    average_completion_pct: row?.average_completion_pct ?? null,
    funnel: { enrolled: row?.enrolled ?? 0, started: row?.started ?? 0, completed: row?.completed ?? 0 },
  };
}

function courseAnalytics(row: EnrollmentRow, lang: Language): CourseAnalytics {
  const titleFr = row.title_fr ?? "";
  const titleEn = row.title_en ?? "";
  return {
    course_id: row.course_id ?? "",
    slug: row.slug ?? "",
    title_fr: titleFr,
    title_en: titleEn,
    title: inLanguage(lang, titleFr, titleEn),
    status: (row.status ?? "draft") as CourseAnalytics["status"],
    ...counts(row),
  };
}

/**
 * One statement: every enrollment is marked started when the learner began any module or unit of
 * its course (or completed it), then grouped per course and overall (GROUPING SETS). The total row
 * comes first, then the most enrolled courses (published, archived, or with enrollments).
 */
function enrollmentAggregates(db: Db): Promise<EnrollmentRow[]> {
  return db.$queryRaw<EnrollmentRow[]>`
    WITH per_enrollment AS (
      SELECT e.course_id, e.status, e.completion_pct,
             (e.status = 'completed'
              OR EXISTS (SELECT 1 FROM user_module_progress p JOIN modules m ON m.id = p.module_id
                          WHERE p.user_id = e.user_id AND m.course_id = e.course_id
                            AND (p.started_at IS NOT NULL OR p.status IN ('in_progress', 'completed')
                                 OR p.completion_pct > 0))
              OR EXISTS (SELECT 1 FROM user_unit_progress u
                           JOIN module_units mu ON mu.id = u.unit_id
                           JOIN modules m ON m.id = mu.module_id
                          WHERE u.user_id = e.user_id AND m.course_id = e.course_id)) AS started
        FROM user_course_enrollment e
    ),
    grouped AS (
      SELECT course_id,
             GROUPING(course_id) = 1 AS is_total,
             count(*)::int AS enrolled,
             count(*) FILTER (WHERE status = 'active')::int AS active,
             count(*) FILTER (WHERE status = 'completed')::int AS completed,
             count(*) FILTER (WHERE status = 'dropped')::int AS dropped,
             count(*) FILTER (WHERE started)::int AS started,
             round(avg(completion_pct)::numeric, 1)::float8 AS average_completion_pct
        FROM per_enrollment
       GROUP BY GROUPING SETS ((course_id), ())
    ),
    per_course AS (
      SELECT c.id AS course_id, c.slug, c.title_fr, c.title_en, c.status,
             coalesce(g.enrolled, 0) AS enrolled, coalesce(g.active, 0) AS active,
             coalesce(g.completed, 0) AS completed, coalesce(g.dropped, 0) AS dropped,
             coalesce(g.started, 0) AS started, g.average_completion_pct,
             (count(*) OVER ())::int AS courses_total
        FROM courses c
        LEFT JOIN grouped g ON g.course_id = c.id AND NOT g.is_total
       WHERE c.status <> 'draft' OR g.course_id IS NOT NULL
       ORDER BY enrolled DESC, c.slug
       LIMIT ${ANALYTICS_COURSE_LIMIT}
    )
    SELECT true AS is_total, NULL::uuid AS course_id, NULL AS slug, NULL AS title_fr, NULL AS title_en,
           NULL AS status, enrolled, active, completed, dropped, started, average_completion_pct,
           0 AS courses_total, 0 AS position
      FROM grouped WHERE is_total
    UNION ALL
    SELECT false, course_id, slug, title_fr, title_en, status, enrolled, active, completed, dropped, started,
           average_completion_pct, courses_total, row_number() OVER (ORDER BY enrolled DESC, slug)
      FROM per_course
     ORDER BY is_total DESC, position`;
}
