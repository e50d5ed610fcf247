/**
 * Who may touch a module's media and illustrations: admins, and experts for the courses they
 * manage (the back office's rule, as for documents and generated content); anyone else gets
 * NOT_FOUND. Reading follows the course's lesson rule: admins, its managers, and learners with a
 * live enrollment whose private grant still holds (403 NOT_ENROLLED when the course is visible).
 */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/learner.ts";
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

/** The module, when the viewer may read its course's content; else 404 or 403 NOT_ENROLLED. */
export async function readableModule(db: Db, viewer: Viewer, moduleId: string): Promise<ModuleRef> {
  const module = await db.module.findUnique({ where: { id: moduleId }, select: { id: true, courseId: true } });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, module.courseId);
  return { id: module.id, courseId: module.courseId };
}

/** Throws unless the viewer may read the course's content (its media and images). */
export async function assertMayReadCourse(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  await assertCanReadCourse(db, viewer, courseId);
}
