/**
 * Who may ask the tutor about a course (enrolled learners, the course's expert, admins; a course
 * the caller may not see is 404 as everywhere), and what the tutor knows of the course and the
 * learner when it answers: topic, language, country, level, and the module or unit studied.
 */
import type { TutorCourse } from "@sira/ai";
import { AppError, type Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";
import { learnerLevel } from "../access/learner.ts";
import { inLanguage } from "../bilingual.ts";
import { topicOf } from "../content/context.ts";

export interface StudyPlace {
  courseId: string;
  moduleId: string | null;
  unitId: string | null;
}

/** 404/403 unless the viewer may learn from the course; the module and unit must be the course's. */
export async function openTutorCourse(
  db: Db,
  viewer: Viewer,
  input: { course_id: string; module_id?: string | undefined; unit_id?: string | undefined },
): Promise<StudyPlace> {
  await assertCanReadCourse(db, viewer, input.course_id);
  // Admins pass the access check for any id: the course must still exist.
  if (viewer.role === "admin" && !(await db.course.count({ where: { id: input.course_id } }))) {
    throw new AppError("NOT_FOUND");
  }
  let moduleId = input.module_id ?? null;
  if (moduleId) {
    const found = await db.module.count({ where: { id: moduleId, courseId: input.course_id } });
    if (!found) throw new AppError("NOT_FOUND");
  }
  if (input.unit_id) {
    const unit = await db.moduleUnit.findFirst({
      where: { id: input.unit_id, module: { courseId: input.course_id }, ...(moduleId ? { moduleId } : {}) },
      select: { moduleId: true },
    });
    if (!unit) throw new AppError("NOT_FOUND");
    moduleId = unit.moduleId;
  }
  return { courseId: input.course_id, moduleId, unitId: input.unit_id ?? null };
}

export interface TutorSubject {
  course: TutorCourse;
  /** Module and unit titles and objectives: what retrieval favours. */
  studyQuery: string | null;
}

/** The course and learner context of an answer, in the conversation's language. */
export async function tutorSubject(
  db: Db,
  viewer: Viewer,
  place: StudyPlace,
  language: Language,
  country: string,
): Promise<TutorSubject> {
  const course = await db.course.findUniqueOrThrow({
    where: { id: place.courseId },
    include: { taxonomyCategories: { include: { category: true } } },
  });
  const [module, unit] = await Promise.all([
    place.moduleId ? db.module.findUnique({ where: { id: place.moduleId } }) : null,
    place.unitId ? db.moduleUnit.findUnique({ where: { id: place.unitId } }) : null,
  ]);
  const courseTitle = inLanguage(language, course.titleFr, course.titleEn);
  const domain = course.taxonomyCategories.find((t) => t.category.type === "domain")?.category;
  const domainLabel = domain ? inLanguage(language, domain.labelFr, domain.labelEn) : courseTitle;
  const moduleTitle = module ? inLanguage(language, module.titleFr, module.titleEn) : null;
  const unitTitle = unit ? inLanguage(language, unit.titleFr, unit.titleEn) : null;
  const objectives = unit
    ? language === "fr"
      ? unit.objectivesFr
      : unit.objectivesEn
    : module
      ? language === "fr"
        ? module.objectivesFr
        : module.objectivesEn
      : [];
  const level = await learnerLevel(db, viewer, module?.level ?? 1);
  const studyParts = [moduleTitle, unitTitle, ...objectives].filter((p): p is string => Boolean(p));
  return {
    course: {
      courseTitle,
      topic: topicOf(inLanguage(language, course.descriptionFr, course.descriptionEn) ?? "", domainLabel),
      language,
      country,
      level,
      moduleTitle,
      unitTitle,
    },
    studyQuery: studyParts.length ? studyParts.join(". ") : null,
  };
}
