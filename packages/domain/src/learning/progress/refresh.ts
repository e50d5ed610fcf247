/**
 * Keeps stored progress consistent after any progress write, in the writer's transaction:
 * the module's completion, quiz average and time from its units, then the stored status of every
 * module of the course (unlocks persist here, so delta sync sees them), then the enrollment's
 * completion. Writers of one learner in one course take the same lock first, so concurrent writes
 * (two units completed at once, an offline replay) apply one after the other.
 */
import { AppError } from "@sira/contracts";
import type { Transaction } from "@sira/infra/db";
import { loadCourseState, statusOf } from "../../unlock/course-state.ts";
import { enrollmentCompletion } from "../../unlock/rules.ts";

export interface ModuleRef {
  moduleId: string;
  courseId: string;
}

/** The module's course, and the learner+course lock held until the transaction ends; 404 for an unknown or orphan module. */
export async function lockModuleProgress(tx: Transaction, userId: string, moduleId: string): Promise<ModuleRef> {
  const module = await tx.module.findUnique({ where: { id: moduleId }, select: { courseId: true } });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`progress:${userId}:${module.courseId}`}, 0))`;
  return { moduleId, courseId: module.courseId };
}

interface ModuleStats {
  units: number;
  completed: number;
  quiz_units: number;
  quiz_scored: number;
  quiz_sum: number;
  time_spent: number;
  started_at: Date | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * completion_pct = completed units / units × 100. quiz_score_avg = the mean over the module's quiz
 * units of the learner's best score on each (a quiz unit not taken yet counts 0; null until one
 * is taken); a module without quiz units keeps its module-level quiz best (recordModuleQuizResult).
 */
async function refreshModule(
  tx: Transaction,
  userId: string,
  moduleId: string,
  lastUnitId: string | null,
): Promise<void> {
  const [s] = await tx.$queryRaw<ModuleStats[]>`
    SELECT count(*)::int AS units,
      count(*) FILTER (WHERE up.status = 'completed')::int AS completed,
      count(*) FILTER (WHERE mu.unit_type = 'quiz')::int AS quiz_units,
      count(up.score) FILTER (WHERE mu.unit_type = 'quiz')::int AS quiz_scored,
      COALESCE(sum(up.score) FILTER (WHERE mu.unit_type = 'quiz'), 0)::float8 AS quiz_sum,
      COALESCE(sum(up.time_spent_seconds), 0)::int AS time_spent,
      min(up.started_at) AS started_at
    FROM module_units mu
    LEFT JOIN user_unit_progress up ON up.unit_id = mu.id AND up.user_id = ${userId}::uuid
    WHERE mu.module_id = ${moduleId}::uuid`;
  const stats = s as ModuleStats;
  const completionPct = stats.units === 0 ? 0 : round2((stats.completed * 100) / stats.units);
  const quizFromUnits = stats.quiz_units > 0;
  const quizScoreAvg = quizFromUnits && stats.quiz_scored > 0 ? round2(stats.quiz_sum / stats.quiz_units) : null;
  const data = {
    completionPct,
    timeSpentSeconds: stats.time_spent,
    ...(quizFromUnits ? { quizScoreAvg } : {}),
    ...(lastUnitId ? { lastUnitId } : {}),
  };
  await tx.userModuleProgress.upsert({
    where: { userId_moduleId: { userId, moduleId } },
    create: { userId, moduleId, status: "available", startedAt: stats.started_at, ...data },
    update: { ...data, ...(stats.started_at ? { startedAt: stats.started_at } : {}) },
  });
}

/** Stores each module's status where it changed (modules still locked get no row), and the enrollment's completion. */
async function refreshCourse(tx: Transaction, userId: string, courseId: string, at: Date): Promise<void> {
  const state = await loadCourseState(tx, userId, courseId);
  const ids: string[] = [];
  const statuses: string[] = [];
  for (const m of state.modules) {
    const status = statusOf(state, m.id);
    const stored = state.progress.get(m.id);
    if (stored ? stored.status !== status : status !== "locked") {
      ids.push(m.id);
      statuses.push(status);
    }
  }
  if (ids.length > 0) {
    await tx.$executeRaw`
      INSERT INTO user_module_progress AS p (user_id, module_id, status, completed_at, updated_at)
      SELECT ${userId}::uuid, x.module_id, x.status, CASE WHEN x.status = 'completed' THEN ${at}::timestamptz END, now()
      FROM unnest(${ids}::uuid[], ${statuses}::text[]) AS x(module_id, status)
      ON CONFLICT (user_id, module_id) DO UPDATE SET status = EXCLUDED.status,
        completed_at = COALESCE(p.completed_at, EXCLUDED.completed_at), updated_at = now()`;
  }
  const pct = enrollmentCompletion(
    state.modules
      .map((m) => ({ m, p: state.progress.get(m.id) }))
      .filter(({ m, p }) => m.unitCount > 0 || p?.testedOutAt)
      .map(({ p }) => ({ completionPct: p?.completionPct ?? 0, testedOut: Boolean(p?.testedOutAt) })),
  );
  await tx.$executeRaw`
    UPDATE user_course_enrollment SET completion_pct = ${pct}::float8,
      status = CASE WHEN ${pct}::float8 >= 100 THEN 'completed' ELSE status END,
      completed_at = CASE WHEN ${pct}::float8 >= 100 THEN COALESCE(completed_at, ${at}::timestamptz) ELSE completed_at END,
      updated_at = now()
    WHERE user_id = ${userId}::uuid AND course_id = ${courseId}::uuid AND status IN ('active', 'completed')`;
}

/** Recomputes the module (when given) and then the whole course for this learner; call with the lock held. */
export async function refreshProgress(
  tx: Transaction,
  userId: string,
  ref: ModuleRef,
  at: Date,
  options: { lastUnitId?: string | null; module?: boolean } = {},
): Promise<void> {
  if (options.module !== false) await refreshModule(tx, userId, ref.moduleId, options.lastUnitId ?? null);
  await refreshCourse(tx, userId, ref.courseId, at);
}
