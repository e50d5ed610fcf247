/**
 * What a learner may open: a lesson unit of a module of a course, with the generation parameters
 * that key its cache (language, level, country). The module, the unit and the learner's access
 * come in one statement (access/learner.ts); the module lock and the learner's level follow.
 */
import type { Db } from "@sira/infra/db";
import { type LearnerContext, learnerLevel, openLearnerModule } from "../access/learner.ts";
import type { CacheKey } from "./cache-key.ts";

export interface LessonTarget {
  courseId: string;
  moduleId: string;
  unitId: string;
  key: CacheKey;
}

/** A unit a learner reads, and the content generated for it. */
export interface ReadableUnit {
  unitType: "lesson" | "case_study";
  contentType: CacheKey["contentType"];
}

const LESSON_UNIT: ReadableUnit = { unitType: "lesson", contentType: "lesson" };

/**
 * Resolves and authorises a lesson unit (or another readable unit) for the learner: 404/403
 * (learner.ts), 423 when locked.
 */
export async function resolveLessonTarget(
  db: Db,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
  unit: ReadableUnit = LESSON_UNIT,
): Promise<LessonTarget> {
  const module = await openLearnerModule(db, learner.viewer, moduleId, {
    units: { some: { id: unitId, unitType: unit.unitType } },
  });
  const level = await learnerLevel(db, learner.viewer, module.level);
  return {
    courseId: module.courseId,
    moduleId,
    unitId,
    key: {
      moduleId,
      unitId,
      contentType: unit.contentType,
      language: learner.language,
      level,
      country: learner.country.toUpperCase(),
    },
  };
}

/** The lesson unit's title in both languages (the stream's meta names it). */
export async function lessonTitles(db: Db, target: LessonTarget): Promise<{ titleFr: string; titleEn: string }> {
  return db.moduleUnit.findUniqueOrThrow({ where: { id: target.unitId }, select: { titleFr: true, titleEn: true } });
}
