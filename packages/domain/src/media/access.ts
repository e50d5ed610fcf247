/**
 * Who may touch a module's media and illustrations: admins, and experts for the courses they
 * manage (the back office's rule, as for documents and generated content); anyone else gets
 * NOT_FOUND. Reading follows the lesson rule: admins, the course's managers, and learners with a
 * live enrollment whose private grant still holds (403 NOT_ENROLLED when the course is visible),
 * and for a module's own media and images, 423 MODULE_LOCKED while it is locked for the learner.
 */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";
import { openLearnerModule } from "../access/learner.ts";
import { manageableCourses } from "../access/readable.ts";

export interface ModuleRef {
  id: string;
  courseId: string;
}

/** The module, when the viewer manages its course; else NOT_FOUND (one statement). */
export async function manageableModule(db: Db, viewer: Viewer, moduleId: string): Promise<ModuleRef> {
  const module = await db.module.findFirst({
    where: { id: moduleId, courseId: { not: null }, course: { is: manageableCourses(viewer) } },
    select: { id: true, courseId: true },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  return { id: module.id, courseId: module.courseId };
}

/** The module, when the viewer may read its content; else 404, 403 NOT_ENROLLED or 423 MODULE_LOCKED. */
export async function readableModule(db: Db, viewer: Viewer, moduleId: string): Promise<ModuleRef> {
  const module = await openLearnerModule(db, viewer, moduleId);
  return { id: module.id, courseId: module.courseId };
}

/** Throws unless the viewer may read the course's content (its media and images). */
export async function assertMayReadCourse(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  await assertCanReadCourse(db, viewer, courseId);
}
