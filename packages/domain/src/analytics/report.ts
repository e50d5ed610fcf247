/**
 * The analytics report (decision 0048). Event figures (active users, retention, content read,
 * audio, tutor cost) read only the daily roll-ups, whose size grows with users × active days and
 * not with events. Learning figures (funnel, module rates, item statistics) read the progress and
 * quiz tables, which hold one row per learner and unit or answer, not per event. Everything is
 * aggregated by PostgreSQL; Node only shapes rows.
 */
import {
  ANALYTICS_COURSE_LIMIT,
  ANALYTICS_ITEM_LIMIT,
  ANALYTICS_MAX_RANGE_DAYS,
  ANALYTICS_MODULE_LIMIT,
  type AnalyticsQuery,
  type AnalyticsReport,
  AppError,
  type Language,
} from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { inLanguage } from "../bilingual.ts";
import { toCredits } from "../money/amount.ts";
import { UNLOCK_QUIZ_AVG } from "../unlock/rules.ts";
import { isoDay, utcDay } from "../usage/rollup.ts";

const DAY_MS = 86_400_000;
const addDays = (day: Date, n: number) => new Date(day.getTime() + n * DAY_MS);
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The courses a request covers: null for the whole platform (an admin without course_id). */
async function scopeOf(db: Db, viewer: Viewer, courseId: string | undefined): Promise<string[] | null> {
  if (viewer.role === "admin" && !courseId) return null;
  const courses = await db.course.findMany({
    where: { AND: [manageableCourses(viewer), courseId ? { id: courseId } : {}] },
    select: { id: true },
  });
  if (courseId && courses.length === 0) throw new AppError("NOT_FOUND");
  return courses.map((c) => c.id);
}

function rangeError(code: string, en: string, fr: string): AppError {
  return new AppError("VALIDATION_FAILED", {
    fieldErrors: [{ field: "from", code, message: en }],
    details: { en: `from: ${en}`, fr: `from : ${fr}` },
  });
}

function rangeOf(query: AnalyticsQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(`${query.to}T00:00:00Z`) : utcDay(now);
  const from = query.from ? new Date(`${query.from}T00:00:00Z`) : addDays(to, -29);
  if (from > to) throw rangeError("too_small", "must not be after `to`", "ne doit pas être après `to`");
  if ((to.getTime() - from.getTime()) / DAY_MS + 1 > ANALYTICS_MAX_RANGE_DAYS) {
    throw rangeError(
      "too_big",
      `the range may span ${ANALYTICS_MAX_RANGE_DAYS} days at most`,
      `la période compte au plus ${ANALYTICS_MAX_RANGE_DAYS} jours`,
    );
  }
  return { from, to };
}

export async function analyticsReport(
  db: Db,
  viewer: Viewer,
  query: AnalyticsQuery,
  options: { now?: Date; lang: Language },
): Promise<AnalyticsReport> {
  const now = options.now ?? new Date();
  const scope = await scopeOf(db, viewer, query.course_id);
  const { from, to } = rangeOf(query, now);
  const inScope = scope !== null;
  const ids = scope ?? [];
  const [rolled, active, created, daily, retention, funnel, modules, items, events, generated, revenue] =
    await Promise.all([
      db.$queryRaw<{ at: Date | null }[]>`SELECT max(rolled_at) AS at FROM usage_daily`,
      activeUsers(db, inScope, ids, to),
      newUsers(db, inScope, ids, to),
      dailySeries(db, inScope, ids, from, to),
      retentionCohorts(db, inScope, ids, to, query.cohort_weeks),
      funnelRows(db, inScope, ids),
      moduleRows(db, inScope, ids),
      itemRows(db, inScope, ids),
      eventTotals(db, inScope, ids, from, to),
      db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM generated_content g JOIN modules m ON m.id = g.module_id
         WHERE g.created_at >= ${from} AND g.created_at < ${addDays(to, 1)}
           AND (${!inScope} OR m.course_id = ANY(${ids}::uuid[]))`,
      revenueTotals(db, inScope, ids, from, to),
    ]);
  const lang = options.lang;
  const count = (kind: string) => events.find((e) => e.kind === kind);
  return {
    generated_at: now.toISOString(),
    rolled_at: rolled[0]?.at?.toISOString() ?? null,
    scope: inScope ? "courses" : "platform",
    course_ids: scope,
    from: isoDay(from),
    to: isoDay(to),
    active_users: active,
    new_users: created,
    daily,
    retention,
    funnel: funnel.map((r) => ({
      course_id: r.course_id,
      title: inLanguage(lang, r.title_fr, r.title_en),
      enrolled: r.enrolled,
      first_lesson: r.first_lesson,
      quiz_passed: r.quiz_passed,
      module_completed: r.module_completed,
    })),
    modules: modules.map((r) => ({
      module_id: r.module_id,
      course_id: r.course_id,
      module_number: r.module_number,
      title: inLanguage(lang, r.title_fr, r.title_en),
      started: r.started,
      completed: r.completed,
      completion_rate: ratio(r.completed, r.started),
      quiz_takers: r.quiz_takers,
      quiz_passed: r.quiz_passed,
      pass_rate: ratio(r.quiz_passed, r.quiz_takers),
    })),
    modules_total: modules[0]?.total ?? 0,
    items: items.map((r) => ({
      item_id: r.item_id,
      module_id: r.module_id,
      n: r.n,
      p_value: round4(r.p_value),
      point_biserial: r.point_biserial === null ? null : round4(r.point_biserial),
    })),
    items_total: items[0]?.total ?? 0,
    content: {
      generated: generated[0]?.n ?? 0,
      lessons_read: count("lesson_view")?.events ?? 0,
      lessons_completed: count("lesson_complete")?.events ?? 0,
      audio_plays: count("audio_play")?.events ?? 0,
      audio_seconds: count("audio_play")?.quantity ?? 0,
    },
    tutor: {
      messages: count("tutor_message")?.events ?? 0,
      input_tokens: count("tutor_message")?.input_tokens ?? 0,
      output_tokens: count("tutor_message")?.output_tokens ?? 0,
      cost_usd: round4((count("tutor_message")?.cost_micros ?? 0) / 1_000_000),
    },
    revenue: {
      ...revenue,
      payments: inScope ? null : revenue.payments,
      payments_amount: inScope ? null : revenue.payments_amount,
    },
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

async function activeUsers(db: Db, inScope: boolean, ids: string[], to: Date) {
  const [row] = await db.$queryRaw<{ day: number; week: number; month: number }[]>`
    SELECT count(DISTINCT user_id) FILTER (WHERE day = ${isoDay(to)}::date)::int AS day,
           count(DISTINCT user_id) FILTER (WHERE day > ${isoDay(addDays(to, -7))}::date)::int AS week,
           count(DISTINCT user_id)::int AS month
      FROM usage_user_days
     WHERE day > ${isoDay(addDays(to, -30))}::date AND day <= ${isoDay(to)}::date
       AND (${!inScope} OR course_id = ANY(${ids}::uuid[]))`;
  return { day: row?.day ?? 0, week: row?.week ?? 0, month: row?.month ?? 0 };
}

async function newUsers(db: Db, inScope: boolean, ids: string[], to: Date) {
  const end = addDays(to, 1);
  const [day, week, month] = [addDays(to, 0), addDays(to, -6), addDays(to, -29)];
  const [row] = inScope
    ? await db.$queryRaw<{ day: number; week: number; month: number }[]>`
        WITH first AS (
          SELECT user_id, min(created_at) AS at FROM user_course_enrollment
           WHERE course_id = ANY(${ids}::uuid[]) GROUP BY user_id)
        SELECT count(*) FILTER (WHERE at >= ${day})::int AS day, count(*) FILTER (WHERE at >= ${week})::int AS week,
               count(*)::int AS month
          FROM first WHERE at >= ${month} AND at < ${end}`
    : await db.$queryRaw<{ day: number; week: number; month: number }[]>`
        SELECT count(*) FILTER (WHERE created_at >= ${day})::int AS day,
               count(*) FILTER (WHERE created_at >= ${week})::int AS week, count(*)::int AS month
          FROM users WHERE deleted_at IS NULL AND created_at >= ${month} AND created_at < ${end}`;
  return { day: row?.day ?? 0, week: row?.week ?? 0, month: row?.month ?? 0 };
}

async function dailySeries(db: Db, inScope: boolean, ids: string[], from: Date, to: Date) {
  const rows = await db.$queryRaw<{ day: string; active_users: number; events: number }[]>`
    WITH days AS (SELECT d::date AS day FROM generate_series(${isoDay(from)}::date, ${isoDay(to)}::date, interval '1 day') d),
    act AS (
      SELECT day, count(DISTINCT user_id)::int AS n FROM usage_user_days
       WHERE day BETWEEN ${isoDay(from)}::date AND ${isoDay(to)}::date AND (${!inScope} OR course_id = ANY(${ids}::uuid[]))
       GROUP BY day),
    ev AS (
      SELECT day, sum(events)::float8 AS n FROM usage_daily
       WHERE day BETWEEN ${isoDay(from)}::date AND ${isoDay(to)}::date AND (${!inScope} OR course_id = ANY(${ids}::uuid[]))
       GROUP BY day)
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day, coalesce(act.n, 0) AS active_users, coalesce(ev.n, 0) AS events
      FROM days LEFT JOIN act USING (day) LEFT JOIN ev USING (day) ORDER BY days.day`;
  return rows;
}

/** Weekly cohorts of signups (platform) or of first enrollments (scoped), and who came back each week. */
async function retentionCohorts(db: Db, inScope: boolean, ids: string[], to: Date, weeks: number) {
  const lastWeek = mondayOf(to);
  const firstWeek = addDays(lastWeek, -7 * (weeks - 1));
  const rows = await db.$queryRaw<{ week: string; k: number; users: number }[]>`
    WITH cohort AS (
      SELECT user_id, date_trunc('week', at AT TIME ZONE 'UTC')::date AS week FROM (
        SELECT id AS user_id, created_at AS at FROM users WHERE ${!inScope} AND deleted_at IS NULL
        UNION ALL
        SELECT user_id, min(created_at) FROM user_course_enrollment
         WHERE ${inScope} AND course_id = ANY(${ids}::uuid[]) GROUP BY user_id
      ) joined
      WHERE at >= ${firstWeek} AND at < ${addDays(lastWeek, 7)}
    ),
    back AS (
      -- Driven by the range of days (one index range), then matched to the cohorts by user.
      SELECT DISTINCT c.user_id, c.week, ((d.day - c.week) / 7)::int AS k
        FROM usage_user_days d JOIN cohort c ON c.user_id = d.user_id
       WHERE d.day >= ${isoDay(firstWeek)}::date AND d.day <= ${isoDay(to)}::date AND d.day >= c.week
         AND (${!inScope} OR d.course_id = ANY(${ids}::uuid[]))
    )
    SELECT to_char(week, 'YYYY-MM-DD') AS week, -1 AS k, count(*)::int AS users FROM cohort GROUP BY week
    UNION ALL
    SELECT to_char(week, 'YYYY-MM-DD'), k, count(*)::int FROM back GROUP BY week, k`;
  const cohorts = [];
  for (let w = firstWeek.getTime(); w <= lastWeek.getTime(); w += 7 * DAY_MS) {
    const week = isoDay(new Date(w));
    const size = rows.find((r) => r.week === week && r.k === -1)?.users ?? 0;
    const elapsed = Math.floor((utcDay(to).getTime() - w) / (7 * DAY_MS)) + 1;
    const retained = Array.from(
      { length: elapsed },
      (_, k) => rows.find((r) => r.week === week && r.k === k)?.users ?? 0,
    );
    cohorts.push({ week, size, retained, rates: retained.map((n) => ratio(n, size)) });
  }
  return cohorts;
}

function mondayOf(day: Date): Date {
  const d = utcDay(day);
  return addDays(d, -((d.getUTCDay() + 6) % 7));
}

interface FunnelRow {
  course_id: string;
  title_fr: string;
  title_en: string;
  enrolled: number;
  first_lesson: number;
  quiz_passed: number;
  module_completed: number;
}

/** Per course, enrolled learners who read a first lesson, passed a module quiz, completed a module. */
function funnelRows(db: Db, inScope: boolean, ids: string[]): Promise<FunnelRow[]> {
  return db.$queryRaw<FunnelRow[]>`
    WITH e AS (
      SELECT e.user_id, e.course_id FROM user_course_enrollment e
       WHERE (${!inScope} OR e.course_id = ANY(${ids}::uuid[]))
    )
    SELECT c.id AS course_id, c.title_fr, c.title_en,
           count(*)::int AS enrolled,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM lesson_reading r JOIN module_units u ON u.id = r.unit_id JOIN modules m ON m.id = u.module_id
              WHERE r.user_id = e.user_id AND m.course_id = e.course_id))::int AS first_lesson,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM quiz_attempts a JOIN modules m ON m.id = a.module_id
              WHERE a.user_id = e.user_id AND m.course_id = e.course_id AND a.status = 'submitted'
                AND a.kind = 'summative' AND a.score >= ${UNLOCK_QUIZ_AVG}))::int AS quiz_passed,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM user_module_progress p JOIN modules m ON m.id = p.module_id
              WHERE p.user_id = e.user_id AND m.course_id = e.course_id AND p.status = 'completed'))::int AS module_completed
      FROM e JOIN courses c ON c.id = e.course_id
     GROUP BY c.id, c.title_fr, c.title_en
     ORDER BY enrolled DESC, c.id
     LIMIT ${ANALYTICS_COURSE_LIMIT}`;
}

interface ModuleRow {
  module_id: string;
  course_id: string;
  module_number: number;
  title_fr: string;
  title_en: string;
  started: number;
  completed: number;
  quiz_takers: number;
  quiz_passed: number;
  total: number;
}

function moduleRows(db: Db, inScope: boolean, ids: string[]): Promise<ModuleRow[]> {
  return db.$queryRaw<ModuleRow[]>`
    WITH scoped AS (
      -- An expert's report counts only their courses' modules, not the whole platform's rows.
      SELECT id FROM modules WHERE ${!inScope} OR course_id = ANY(${ids}::uuid[])
    ), progress AS (
      SELECT module_id,
             count(*) FILTER (WHERE started_at IS NOT NULL OR status IN ('in_progress', 'completed'))::int AS started,
             count(*) FILTER (WHERE status = 'completed')::int AS completed
        FROM user_module_progress WHERE module_id IN (SELECT id FROM scoped) GROUP BY module_id
    ), quiz AS (
      SELECT module_id, count(DISTINCT user_id)::int AS takers,
             count(DISTINCT user_id) FILTER (WHERE score >= ${UNLOCK_QUIZ_AVG})::int AS passed
        FROM quiz_attempts
       WHERE status = 'submitted' AND kind = 'summative' AND module_id IN (SELECT id FROM scoped)
       GROUP BY module_id
    )
    SELECT m.id AS module_id, m.course_id, m.module_number, m.title_fr, m.title_en,
           coalesce(p.started, 0) AS started, coalesce(p.completed, 0) AS completed,
           coalesce(q.takers, 0) AS quiz_takers, coalesce(q.passed, 0) AS quiz_passed,
           (count(*) OVER ())::int AS total
      FROM modules m LEFT JOIN progress p ON p.module_id = m.id LEFT JOIN quiz q ON q.module_id = m.id
     WHERE (${!inScope} OR m.course_id = ANY(${ids}::uuid[])) AND (p.module_id IS NOT NULL OR q.module_id IS NOT NULL OR ${inScope})
     ORDER BY coalesce(p.started, 0) DESC, m.course_id, m.module_number
     LIMIT ${ANALYTICS_MODULE_LIMIT}`;
}

interface ItemRow {
  item_id: string;
  module_id: string;
  n: number;
  p_value: number;
  point_biserial: number | null;
  total: number;
}

/**
 * Facility (share correct) and point-biserial discrimination: the Pearson correlation between the
 * item's 0/1 result and the score of the attempt it was answered in (PostgreSQL's `corr`, null
 * when either side does not vary), over submitted module quizzes.
 */
function itemRows(db: Db, inScope: boolean, ids: string[]): Promise<ItemRow[]> {
  return db.$queryRaw<ItemRow[]>`
    SELECT r.item_id, i.module_id, count(*)::int AS n,
           avg(CASE WHEN r.correct THEN 1.0 ELSE 0.0 END)::float8 AS p_value,
           corr(CASE WHEN r.correct THEN 1.0 ELSE 0.0 END, a.score)::float8 AS point_biserial,
           (count(*) OVER ())::int AS total
      FROM quiz_attempt_responses r
      JOIN quiz_attempts a ON a.id = r.attempt_id
      JOIN quiz_items i ON i.id = r.item_id
      JOIN modules m ON m.id = i.module_id
     WHERE a.status = 'submitted' AND a.kind IN ('formative', 'summative') AND a.score IS NOT NULL
       AND (${!inScope} OR m.course_id = ANY(${ids}::uuid[]))
     GROUP BY r.item_id, i.module_id
     ORDER BY n DESC, r.item_id
     LIMIT ${ANALYTICS_ITEM_LIMIT}`;
}

interface EventTotal {
  kind: string;
  events: number;
  quantity: number;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
}

function eventTotals(db: Db, inScope: boolean, ids: string[], from: Date, to: Date): Promise<EventTotal[]> {
  return db.$queryRaw<EventTotal[]>`
    SELECT kind, sum(events)::float8 AS events, sum(quantity)::float8 AS quantity,
           sum(input_tokens)::float8 AS input_tokens, sum(output_tokens)::float8 AS output_tokens,
           sum(cost_micros)::float8 AS cost_micros
      FROM usage_daily
     WHERE day BETWEEN ${isoDay(from)}::date AND ${isoDay(to)}::date AND (${!inScope} OR course_id = ANY(${ids}::uuid[]))
     GROUP BY kind`;
}

async function revenueTotals(db: Db, inScope: boolean, ids: string[], from: Date, to: Date) {
  const end = addDays(to, 1);
  // Credit and payment sums may pass 2^31: bigint, read through toCredits.
  const [row] = await db.$queryRaw<
    {
      course_sales: number;
      course_credits: bigint;
      commission_credits: bigint;
      expert_earnings: bigint;
      payments: number;
      payments_amount: bigint;
    }[]
  >`
    WITH led AS (
      SELECT t.type, t.amount, t.course_id, a.kind FROM transactions t JOIN credit_accounts a ON a.id = t.account_id
       WHERE t.created_at >= ${from} AND t.created_at < ${end}
         AND (${!inScope} OR t.course_id = ANY(${ids}::uuid[]))
    ), refunded AS (
      -- The commission of each sale refunded in the range (a refund gives it back whole).
      SELECT coalesce(sum(c.amount), 0)::bigint AS commission
        FROM (SELECT DISTINCT sale.posting_id
                FROM transactions t JOIN transactions sale ON sale.id = t.related_transaction_id
               WHERE t.type = 'refund' AND t.created_at >= ${from} AND t.created_at < ${end}) r
        JOIN transactions c ON c.posting_id = r.posting_id AND c.type = 'commission'
       WHERE ${!inScope} OR c.course_id = ANY(${ids}::uuid[])
    ), pay AS (
      SELECT count(*)::int AS n, coalesce(sum(amount), 0)::bigint AS amount FROM subscription_payments
       WHERE status = 'confirmed' AND confirmed_at >= ${from} AND confirmed_at < ${end}
    )
    SELECT count(*) FILTER (WHERE type = 'course_purchase' AND kind = 'user')::int AS course_sales,
           (-coalesce(sum(amount) FILTER (WHERE kind = 'user' AND course_id IS NOT NULL
              AND (type = 'course_purchase' OR (type = 'refund' AND amount > 0))), 0))::bigint AS course_credits,
           (coalesce(sum(amount) FILTER (WHERE type = 'commission'), 0) - (SELECT commission FROM refunded))::bigint
              AS commission_credits,
           coalesce(sum(amount) FILTER (WHERE kind = 'user'
              AND (type = 'course_earning' OR (type = 'refund' AND amount < 0))), 0)::bigint AS expert_earnings,
           (SELECT n FROM pay) AS payments, (SELECT amount FROM pay) AS payments_amount
      FROM led`;
  return {
    course_sales: row?.course_sales ?? 0,
    course_credits: toCredits(row?.course_credits ?? 0),
    commission_credits: toCredits(row?.commission_credits ?? 0),
    expert_earnings: toCredits(row?.expert_earnings ?? 0),
    payments: row?.payments ?? 0,
    payments_amount: toCredits(row?.payments_amount ?? 0),
  };
}
