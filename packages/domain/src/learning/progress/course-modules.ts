/**
 * The module list's read in one statement: whether the viewer may learn from and manages the
 * course (sql.ts rules), its modules in order with unit counts, and the reader's progress in each.
 * No row: the course does not exist. Progress in prerequisites outside the course costs one more.
 * OFFSET 0 keeps the access subquery apart: planned with the joins, it doubles the planning time.
 */
import { type Db, Prisma, readRows } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { learnableCoursesSql, manageableCoursesSql } from "../../access/sql.ts";
import {
  type CourseModuleRow,
  outsidePrereqs,
  type StoredModuleProgress,
  storedProgress,
} from "../../unlock/course-state.ts";

export interface ModuleRow extends CourseModuleRow {
  courseId: string;
  level: number;
  titleFr: string;
  titleEn: string;
  bloomLevel: string;
  estimatedHours: number;
}

type ProgressColumns = { [K in keyof Omit<StoredModuleProgress, "id" | "moduleId">]: StoredModuleProgress[K] | null };

/** One joined row: the access flags, then a module (none when there is nothing to show) and its progress. */
type JoinedRow = { learnable: boolean; manages: boolean; progressId: string | null } & ProgressColumns &
  (ModuleRow | { id: null });

export interface CourseModules {
  learnable: boolean;
  manages: boolean;
  modules: ModuleRow[];
  progress: StoredModuleProgress[];
}

function progressOf(row: JoinedRow & ModuleRow): StoredModuleProgress | null {
  if (row.progressId === null) return null;
  return {
    id: row.progressId,
    moduleId: row.id,
    status: row.status as string,
    completionPct: row.completionPct as number,
    quizScoreAvg: row.quizScoreAvg,
    timeSpentSeconds: row.timeSpentSeconds as number,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    testedOutAt: row.testedOutAt,
    lastUnitId: row.lastUnitId,
    updatedAt: row.updatedAt as Date,
  };
}

/** The course's modules (only when learnable) with the viewer's progress; null when the course does not exist. */
export async function readCourseModules(db: Db, viewer: Viewer, courseId: string): Promise<CourseModules | null> {
  const rows = await readRows<JoinedRow>(
    db,
    Prisma.sql`
    SELECT a.learnable, a.manages, m.id, m.course_id AS "courseId", m.module_number AS "moduleNumber", m.level,
      m.title_fr AS "titleFr", m.title_en AS "titleEn", m.bloom_level AS "bloomLevel",
      m.estimated_hours AS "estimatedHours", m.prereq_modules::text[] AS "prereqModules",
      (SELECT count(*)::int FROM module_units u WHERE u.module_id = m.id) AS "unitCount",
      p.id AS "progressId", p.status, p.completion_pct AS "completionPct", p.quiz_score_avg AS "quizScoreAvg",
      p.time_spent_seconds AS "timeSpentSeconds", p.started_at AS "startedAt", p.completed_at AS "completedAt",
      p.tested_out_at AS "testedOutAt", p.last_unit_id AS "lastUnitId", p.updated_at AS "updatedAt"
    FROM (SELECT ${learnableCoursesSql(viewer)} AS learnable, ${manageableCoursesSql(viewer)} AS manages
          FROM courses c WHERE c.id = ${courseId}::uuid OFFSET 0) a
    LEFT JOIN modules m ON a.learnable AND m.course_id = ${courseId}::uuid
    LEFT JOIN user_module_progress p ON p.module_id = m.id AND p.user_id = ${viewer.userId}::uuid
    ORDER BY m.module_number`,
  );
  const head = rows[0];
  if (!head) return null;
  const modules: ModuleRow[] = [];
  const progress: StoredModuleProgress[] = [];
  for (const row of rows) {
    if (row.id === null) continue;
    modules.push(row);
    const p = progressOf(row);
    if (p) progress.push(p);
  }
  const outside = outsidePrereqs(modules);
  if (outside.length > 0) progress.push(...(await storedProgress(db, viewer.userId, outside)));
  return { learnable: head.learnable, manages: head.manages, modules, progress };
}
