/**
 * What a learner may open: a unit of a module of a course, with the generation parameters that
 * key its cache (language, level, country). Access: learnableCourses (admins, the course's
 * managers, and learners with an active or completed enrollment whose private grant still holds).
 * A course the caller may see but has not joined is 403 NOT_ENROLLED; one they may not see at all,
 * or an unknown module or unit, is 404.
 */
import { AppError, type Language, type UnitType } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { learnableCourses, readableCourses } from "../access/readable.ts";
import { assertModuleUnlocked } from "../learning/progress/lock.ts";
import type { CacheKey } from "./cache-key.ts";

/** The learner context a request carries (language resolved by the API, country from the JWT). */
export interface LearnerContext {
  viewer: Viewer;
  language: Language;
  country: string;
}

export const targetModuleSelect = {
  id: true,
  courseId: true,
  level: true,
  titleFr: true,
  titleEn: true,
  descriptionFr: true,
  descriptionEn: true,
  bloomLevel: true,
  objectivesFr: true,
  objectivesEn: true,
} satisfies Prisma.ModuleSelect;

export type TargetModule = Prisma.ModuleGetPayload<{ select: typeof targetModuleSelect }>;

export interface LessonTarget {
  courseId: string;
  module: TargetModule;
  unit: { id: string; unitType: UnitType; titleFr: string; titleEn: string };
  key: CacheKey;
}

/** 404 unless the course exists for the viewer; 403 NOT_ENROLLED unless they may read its content. */
export async function assertCanReadCourse(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  if (viewer.role === "admin") return;
  const learnable = await db.course.count({ where: { AND: [learnableCourses(viewer), { id: courseId }] } });
  if (learnable > 0) return;
  const visible = await db.course.count({ where: { AND: [readableCourses(viewer), { id: courseId }] } });
  throw new AppError(visible > 0 ? "NOT_ENROLLED" : "NOT_FOUND");
}

/** The level content is written at: the learner's current level; staff preview at the module's. */
export async function learnerLevel(db: Db, viewer: Viewer, moduleLevel: number): Promise<number> {
  if (viewer.role !== "learner") return moduleLevel;
  const user = await db.user.findUnique({ where: { id: viewer.userId }, select: { currentLevel: true } });
  return Math.min(4, Math.max(1, user?.currentLevel ?? moduleLevel));
}

export interface LearnerModule {
  id: string;
  courseId: string;
  level: number;
}

/** The module, after checking the viewer may read its course (404/403) and open it (423). */
export async function openLearnerModule(db: Db, viewer: Viewer, moduleId: string): Promise<LearnerModule> {
  const module = await db.module.findUnique({
    where: { id: moduleId },
    select: { id: true, courseId: true, level: true },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, module.courseId);
  await assertModuleUnlocked(db, viewer, moduleId);
  return { id: module.id, courseId: module.courseId, level: module.level };
}

/** Resolves and authorises a lesson unit for the learner; throws 404/403 as above. */
export async function resolveLessonTarget(
  db: Db,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
): Promise<LessonTarget> {
  const unit = await db.moduleUnit.findFirst({
    where: { id: unitId, moduleId, unitType: "lesson" },
    select: { id: true, unitType: true, titleFr: true, titleEn: true, module: { select: targetModuleSelect } },
  });
  if (!unit?.module.courseId) throw new AppError("NOT_FOUND");
  const courseId = unit.module.courseId;
  await assertCanReadCourse(db, learner.viewer, courseId);
  await assertModuleUnlocked(db, learner.viewer, moduleId);
  const level = await learnerLevel(db, learner.viewer, unit.module.level);
  return {
    courseId,
    module: unit.module,
    unit: { id: unit.id, unitType: unit.unitType as UnitType, titleFr: unit.titleFr, titleEn: unit.titleEn },
    key: {
      moduleId,
      unitId,
      contentType: "lesson",
      language: learner.language,
      level,
      country: learner.country.toUpperCase(),
    },
  };
}

/** True once at least one chunk of the course is embedded (retrieval has something to find). */
export async function courseHasIndexedContent(db: Db, courseId: string): Promise<boolean> {
  const chunk = await db.documentChunk.findFirst({
    where: { courseId, embeddingModel: { not: null } },
    select: { id: true },
  });
  return chunk !== null;
}
