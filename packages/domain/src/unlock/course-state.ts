/**
 * One learner's state in one course: its modules in order, their stored progress (and that of any
 * prerequisite outside the course), and each module's lock state. Two SQL statements.
 */

import type { Tx } from "@sira/infra/db";
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

export async function loadCourseState(db: Tx, userId: string, courseId: string): Promise<CourseState> {
  const modules = await db.$queryRaw<CourseModuleRow[]>`
    SELECT m.id, m.module_number AS "moduleNumber", m.prereq_modules::text[] AS "prereqModules",
      (SELECT count(*)::int FROM module_units u WHERE u.module_id = m.id) AS "unitCount"
    FROM modules m WHERE m.course_id = ${courseId}::uuid
    ORDER BY m.module_number`;
  const ids = [...new Set(modules.flatMap((m) => [m.id, ...m.prereqModules]))];
  const rows =
    ids.length === 0
      ? []
      : await db.userModuleProgress.findMany({
          where: { userId, moduleId: { in: ids } },
          select: {
            id: true,
            moduleId: true,
            status: true,
            completionPct: true,
            quizScoreAvg: true,
            timeSpentSeconds: true,
            startedAt: true,
            completedAt: true,
            testedOutAt: true,
            lastUnitId: true,
            updatedAt: true,
          },
        });
  const progress = new Map(rows.map((r) => [r.moduleId, r]));
  return { courseId, modules, progress, locks: lockStates(modules, progress) };
}
