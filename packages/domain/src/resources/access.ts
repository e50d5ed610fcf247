/**
 * Who may touch a course's documents: admins, and experts for the courses they manage (the same
 * rule as course editing). Anything else is NOT_FOUND, as if the course did not exist.
 */
import { AppError } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { type ResourceRow, resourceSelect } from "./shape.ts";

/** Throws NOT_FOUND unless the viewer manages the course. */
export async function assertManagesCourse(db: Tx, viewer: Viewer, courseId: string): Promise<void> {
  const course = await db.course.findFirst({
    where: { AND: [{ id: courseId }, manageableCourses(viewer)] },
    select: { id: true },
  });
  if (!course) throw new AppError("NOT_FOUND");
}

/** The resource of a course the viewer manages, or NOT_FOUND (one statement). */
export async function manageableResource(
  db: Tx,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
): Promise<ResourceRow> {
  const row = await db.courseResource.findFirst({
    where: { id: resourceId, courseId, course: manageableCourses(viewer) },
    select: resourceSelect,
  });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}
