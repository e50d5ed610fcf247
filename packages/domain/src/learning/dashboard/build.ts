/**
 * Builds a learner's dashboard from the database in seven SQL statements whatever the number of
 * courses, cards or quizzes: the user row, then five independent reads in parallel (enrollments,
 * their modules, the learner's module progress, counters, recent quizzes), then the units of the
 * one module recommended next.
 */
import { type Dashboard, type Language, PLATFORM_SETTINGS } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { LIVE_ENROLLMENT_STATUSES } from "../../access/learner.ts";
import { inLanguage } from "../../bilingual.ts";
import { lockStates, modulePassed } from "../../unlock/rules.ts";
import { currentStreak } from "../../users/streak.ts";
import { effectiveTimezone } from "../../users/timezones.ts";
import { sqlTimeZone } from "./sql-zone.ts";

interface EnrollmentRow {
  course_id: string;
  title_fr: string;
  title_en: string;
  completion_pct: number;
}
interface ModuleRow {
  id: string;
  course_id: string;
  module_number: number;
  title_fr: string;
  title_en: string;
  prereq_modules: string[];
}
interface CountersRow {
  due: number;
  used: number;
  sub_limit: number | null;
  free_limit: unknown;
}
interface QuizRow {
  module_id: string;
  title_fr: string;
  title_en: string;
  score: number;
  submitted_at: Date;
}
interface UnitRow {
  id: string;
  unit_type: string;
  title_fr: string;
  title_en: string;
  completed: boolean;
}

const titleIn = (lang: Language, row: { title_fr: string; title_en: string }) =>
  inLanguage(lang, row.title_fr, row.title_en);

/** The learner's dashboard as of `now`, in `language`; null for an unknown or erased account. */
export async function buildDashboard(
  db: Db,
  input: { userId: string; language: Language; now: Date },
): Promise<Dashboard | null> {
  const { userId, language: lang, now } = input;
  const user = await db.user.findFirst({
    where: { id: userId, deletedAt: null },
    select: { streakDays: true, lastActive: true, timezone: true, country: true },
  });
  if (!user) return null;
  const zone = sqlTimeZone(effectiveTimezone(user));
  const [enrollments, modules, progress, counters, quizzes] = await Promise.all([
    db.$queryRaw<EnrollmentRow[]>`
      SELECT e.course_id, c.title_fr, c.title_en, e.completion_pct
      FROM user_course_enrollment e JOIN courses c ON c.id = e.course_id
      WHERE e.user_id = ${userId}::uuid AND e.status = 'active'
      ORDER BY e.updated_at DESC, e.course_id`,
    db.$queryRaw<ModuleRow[]>`
      SELECT m.id, m.course_id, m.module_number, m.title_fr, m.title_en, m.prereq_modules::text[] AS prereq_modules
      FROM modules m JOIN user_course_enrollment e ON e.course_id = m.course_id
      WHERE e.user_id = ${userId}::uuid AND e.status = 'active'
      ORDER BY m.course_id, m.module_number`,
    db.userModuleProgress.findMany({
      where: { userId },
      select: { moduleId: true, completionPct: true, quizScoreAvg: true, testedOutAt: true, startedAt: true },
    }),
    db.$queryRaw<CountersRow[]>`
      SELECT
        (SELECT count(*)::int FROM flashcard_reviews r JOIN flashcards f ON f.id = r.card_id
          JOIN modules m ON m.id = f.module_id
          JOIN user_course_enrollment e ON e.course_id = m.course_id AND e.user_id = r.user_id
            AND e.status = ANY(${LIVE_ENROLLMENT_STATUSES})
          WHERE r.user_id = ${userId}::uuid AND r.due <= ${now}::timestamptz AND f.is_active) AS due,
        (SELECT coalesce(max(u.used), 0)::int FROM tutor_daily_usage u
          WHERE u.user_id = ${userId}::uuid AND u.day = (${now}::timestamptz AT TIME ZONE ${zone})::date) AS used,
        (SELECT max(s.daily_message_limit) FROM subscriptions s
          WHERE s.user_id = ${userId}::uuid AND s.status = 'active' AND s.starts_at <= ${now}::timestamptz
            AND s.expires_at > ${now}::timestamptz) AS sub_limit,
        (SELECT ps.value FROM platform_settings ps WHERE ps.key = 'tutor.free_daily_messages') AS free_limit`,
    db.$queryRaw<QuizRow[]>`
      SELECT a.module_id, m.title_fr, m.title_en, a.score, a.submitted_at
      FROM quiz_attempts a JOIN modules m ON m.id = a.module_id
      WHERE a.user_id = ${userId}::uuid AND a.status = 'submitted' AND a.kind IN ('formative', 'summative')
        AND a.score IS NOT NULL
      ORDER BY a.submitted_at DESC LIMIT 5`,
  ]);

  const progressById = new Map(progress.map((p) => [p.moduleId, p]));
  const byCourse = new Map<string, ModuleRow[]>();
  for (const m of modules) byCourse.set(m.course_id, [...(byCourse.get(m.course_id) ?? []), m]);
  const courses = enrollments.map((e) => {
    const list = byCourse.get(e.course_id) ?? [];
    const locks = lockStates(
      list.map((m) => ({ id: m.id, moduleNumber: m.module_number, prereqModules: m.prereq_modules })),
      progressById,
    );
    const current = list.find((m) => !locks.get(m.id)?.locked && !modulePassed(progressById.get(m.id)));
    return {
      id: e.course_id,
      title: titleIn(lang, e),
      completion_pct: e.completion_pct,
      current_module: current
        ? { id: current.id, module_number: current.module_number, title: titleIn(lang, current) }
        : null,
    };
  });

  const c = counters[0] as CountersRow;
  const free = PLATFORM_SETTINGS["tutor.free_daily_messages"];
  const parsedFree = free.schema.safeParse(c.free_limit);
  const limit = c.sub_limit ?? (parsedFree.success ? parsedFree.data : free.default);

  return {
    streak_days: currentStreak(user.streakDays, user.lastActive, now, zone),
    last_active: user.lastActive?.toISOString() ?? null,
    courses,
    due_reviews: c.due,
    recent_quizzes: quizzes.map((q) => ({
      module_id: q.module_id,
      module_title: titleIn(lang, q),
      score: q.score,
      submitted_at: q.submitted_at.toISOString(),
    })),
    next_unit: await nextUnit(db, userId, lang, courses),
    tutor_messages_left: Math.max(0, limit - c.used),
    tutor_daily_limit: limit,
    generated_at: now.toISOString(),
  };
}

/** The first unfinished unit of the current module of the most recently active course (its first quiz when every unit is done). */
async function nextUnit(
  db: Db,
  userId: string,
  lang: Language,
  courses: Dashboard["courses"],
): Promise<Dashboard["next_unit"]> {
  const course = courses.find((c) => c.current_module);
  const moduleId = course?.current_module?.id;
  if (!course || !moduleId) return null;
  const units = await db.$queryRaw<UnitRow[]>`
    SELECT u.id, u.unit_type, u.title_fr, u.title_en, (p.status = 'completed') IS TRUE AS completed
    FROM module_units u LEFT JOIN user_unit_progress p ON p.unit_id = u.id AND p.user_id = ${userId}::uuid
    WHERE u.module_id = ${moduleId}::uuid
    ORDER BY u.unit_number`;
  const unit = units.find((u) => !u.completed) ?? units.find((u) => u.unit_type === "quiz");
  if (!unit) return null;
  return {
    course_id: course.id,
    module_id: moduleId,
    unit_id: unit.id,
    unit_type: unit.unit_type,
    title: titleIn(lang, unit),
  };
}
