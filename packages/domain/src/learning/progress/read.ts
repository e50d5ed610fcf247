/**
 * What learners see of their progress: a course's modules with progress and lock state, one module
 * with its units, and the delta sync of stored progress. Staff (admins, the course's managers)
 * see every module open. A handful of SQL statements whatever the course size.
 */
import { AppError, type Language, type ModuleDetail, type ModuleSummary, type UnitProgress } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { assertCanReadCourse, courseRefusal } from "../../access/course-access.ts";
import { managesCourse } from "../../access/module-lock.ts";
import { inLanguage } from "../../bilingual.ts";
import { type CourseState, courseStateOf, loadCourseState, statusOf } from "../../unlock/course-state.ts";
import { readCourseModules } from "./course-modules.ts";

export interface ProgressReader {
  viewer: Viewer;
  language: Language;
}

const moduleSelect = {
  id: true,
  courseId: true,
  moduleNumber: true,
  level: true,
  titleFr: true,
  titleEn: true,
  bloomLevel: true,
  estimatedHours: true,
  prereqModules: true,
} as const;

type ModuleRow = {
  id: string;
  courseId: string | null;
  moduleNumber: number;
  level: number;
  titleFr: string;
  titleEn: string;
  bloomLevel: string;
  estimatedHours: number;
  prereqModules: string[];
};

const isoOrNull = (d: Date | null | undefined) => d?.toISOString() ?? null;

function summarise(m: ModuleRow, state: CourseState, staff: boolean, language: Language): ModuleSummary {
  const p = state.progress.get(m.id);
  const lock = staff ? undefined : state.locks.get(m.id);
  const status = statusOf(state, m.id);
  return {
    id: m.id,
    course_id: m.courseId as string,
    module_number: m.moduleNumber,
    title: inLanguage(language, m.titleFr, m.titleEn),
    title_fr: m.titleFr,
    title_en: m.titleEn,
    level: m.level,
    bloom_level: m.bloomLevel,
    estimated_hours: m.estimatedHours,
    unit_count: state.modules.find((x) => x.id === m.id)?.unitCount ?? 0,
    prereq_modules: m.prereqModules,
    status: staff && status === "locked" ? "available" : status,
    completion_pct: p?.completionPct ?? 0,
    quiz_score_avg: p?.quizScoreAvg ?? null,
    time_spent_seconds: p?.timeSpentSeconds ?? 0,
    started_at: isoOrNull(p?.startedAt),
    completed_at: isoOrNull(p?.completedAt),
    tested_out_at: isoOrNull(p?.testedOutAt),
    locked: lock?.locked ?? false,
    lock_reasons: lock?.reasons ?? [],
    blocked_by: lock?.blockedBy ?? [],
  };
}

/** A course's modules in order with the reader's progress (403 NOT_ENROLLED / 404 as for lessons), one page of them. */
export async function listCourseModules(
  db: Db,
  reader: ProgressReader,
  courseId: string,
  page: { page: number; limit: number },
): Promise<{ items: ModuleSummary[]; total: number }> {
  const { viewer } = reader;
  const read = await readCourseModules(db, viewer, courseId);
  // Admins may read any course; a course that is not there lists nothing for them.
  if (viewer.role !== "admin") {
    if (!read) throw new AppError("NOT_FOUND");
    if (!read.learnable) throw await courseRefusal(db, viewer, courseId);
  }
  const modules = read?.modules ?? [];
  const state = courseStateOf(courseId, modules, read?.progress ?? []);
  const staff = read?.manages ?? true;
  const start = (page.page - 1) * page.limit;
  return {
    items: modules.slice(start, start + page.limit).map((m) => summarise(m, state, staff, reader.language)),
    total: modules.length,
  };
}

/** One module with objectives and units (each with the reader's progress), and its lock state; a locked module is still described. */
export async function getModuleProgress(db: Db, reader: ProgressReader, moduleId: string): Promise<ModuleDetail> {
  const module = await db.module.findUnique({
    where: { id: moduleId },
    select: {
      ...moduleSelect,
      descriptionFr: true,
      descriptionEn: true,
      objectivesFr: true,
      objectivesEn: true,
      units: {
        orderBy: { unitNumber: "asc" },
        select: {
          id: true,
          unitNumber: true,
          unitType: true,
          titleFr: true,
          titleEn: true,
          estimatedMinutes: true,
          unitProgress: { where: { userId: reader.viewer.userId }, take: 1 },
        },
      },
    },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, reader.viewer, module.courseId);
  const [state, staff] = await Promise.all([
    loadCourseState(db, reader.viewer.userId, module.courseId),
    managesCourse(db, reader.viewer, module.courseId),
  ]);
  const en = reader.language === "en";
  const units: UnitProgress[] = module.units.map((u) => {
    const p = u.unitProgress[0];
    return {
      id: u.id,
      unit_number: u.unitNumber,
      unit_type: u.unitType,
      title: inLanguage(reader.language, u.titleFr, u.titleEn),
      title_fr: u.titleFr,
      title_en: u.titleEn,
      estimated_minutes: u.estimatedMinutes,
      status: (p?.status as UnitProgress["status"] | undefined) ?? "not_started",
      score: p?.score ?? null,
      time_spent_seconds: p?.timeSpentSeconds ?? 0,
      started_at: isoOrNull(p?.startedAt),
      completed_at: isoOrNull(p?.completedAt),
    };
  });
  return {
    ...summarise(module, state, staff, reader.language),
    description: inLanguage(reader.language, module.descriptionFr, module.descriptionEn),
    description_fr: module.descriptionFr,
    description_en: module.descriptionEn,
    objectives: en ? module.objectivesEn : module.objectivesFr,
    objectives_fr: module.objectivesFr,
    objectives_en: module.objectivesEn,
    units,
  };
}
