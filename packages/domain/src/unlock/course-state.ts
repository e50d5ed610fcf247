/**
 * One learner's state in one course: its modules in order, their stored progress (and that of any
 * prerequisite outside the course), and each module's lock state. Two SQL statements.
 */

import { Prisma, readRows, type Tx } from "@sira/infra/db";
import { type LockState, lockStates, type ModuleProgressFacts, type ModuleStatus, moduleStatus } from "./rules.ts";

export interface CourseModuleRow {
  id: string;
  moduleNumber: number;
  prereqModules: string[];
  unitCount: number;
}

export interface StoredModuleProgress extends ModuleProgressFacts {
  id: string;
  moduleId: string;
  status: string;
  timeSpentSeconds: number;
  completedAt: Date | null;
  lastUnitId: string | null;
  updatedAt: Date;
}

export interface CourseState {
  courseId: string;
  modules: CourseModuleRow[];
  progress: Map<string, StoredModuleProgress>;
  locks: Map<string, LockState>;
}

/** The status a module shows now (computed, whatever is stored). */
export function statusOf(state: CourseState, moduleId: string): ModuleStatus {
  return moduleStatus(state.locks.get(moduleId), state.progress.get(moduleId));
}

/** The learner's stored progress in these modules (one statement; none for no ids). */
export async function storedProgress(db: Tx, userId: string, ids: string[]): Promise<StoredModuleProgress[]> {
  if (ids.length === 0) return [];
  return readRows<StoredModuleProgress>(
    db,
    Prisma.sql`
    SELECT p.id, p.module_id AS "moduleId", p.status, p.completion_pct AS "completionPct",
      p.quiz_score_avg AS "quizScoreAvg", p.time_spent_seconds AS "timeSpentSeconds", p.started_at AS "startedAt",
      p.completed_at AS "completedAt", p.tested_out_at AS "testedOutAt", p.last_unit_id AS "lastUnitId",
      p.updated_at AS "updatedAt"
    FROM user_module_progress p WHERE p.user_id = ${userId}::uuid AND p.module_id = ANY(${ids}::uuid[])`,
  );
}

/** Prerequisites named by the course's modules that lie outside it. */
export function outsidePrereqs(modules: readonly CourseModuleRow[]): string[] {
  const inCourse = new Set(modules.map((m) => m.id));
  return [...new Set(modules.flatMap((m) => m.prereqModules))].filter((id) => !inCourse.has(id));
}

/** The state from rows already read: the modules in order and the progress of them and their prerequisites. */
export function courseStateOf(
  courseId: string,
  modules: CourseModuleRow[],
  rows: readonly StoredModuleProgress[],
): CourseState {
  const progress = new Map(rows.map((r) => [r.moduleId, r]));
  return { courseId, modules, progress, locks: lockStates(modules, progress) };
}

export async function loadCourseState(db: Tx, userId: string, courseId: string): Promise<CourseState> {
  const modules = await db.$queryRaw<CourseModuleRow[]>`
    SELECT m.id, m.module_number AS "moduleNumber", m.prereq_modules::text[] AS "prereqModules",
      (SELECT count(*)::int FROM module_units u WHERE u.module_id = m.id) AS "unitCount"
    FROM modules m WHERE m.course_id = ${courseId}::uuid
    ORDER BY m.module_number`;
  const ids = [...new Set(modules.flatMap((m) => [m.id, ...m.prereqModules]))];
  return courseStateOf(courseId, modules, await storedProgress(db, userId, ids));
}
