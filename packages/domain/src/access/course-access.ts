/**
 * Course access as reviewed SQL run as prepared statements (sql.ts, decision 0054): the check every
 * content read makes, and the refusal for reads that fold the learnable check into their own SQL.
 * Both answer 403 NOT_ENROLLED when the viewer may see the course, else 404.
 */
import { AppError } from "@sira/contracts";
import { type Db, Prisma, readRows } from "@sira/infra/db";
import { isUuid } from "../uuid.ts";
import type { Viewer } from "./actor.ts";
import { learnableCoursesSql, readableCoursesSql } from "./sql.ts";

/** 404 unless the course exists for the viewer; 403 NOT_ENROLLED unless they may read its content. */
export async function assertCanReadCourse(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  if (viewer.role === "admin") return;
  if (!isUuid(courseId)) throw new AppError("NOT_FOUND");
  const [row] = await readRows<{ learnable: boolean; visible: boolean }>(
    db,
    Prisma.sql`
    SELECT ${learnableCoursesSql(viewer)} AS learnable, ${readableCoursesSql(viewer)} AS visible
    FROM courses c WHERE c.id = ${courseId}::uuid`,
  );
  if (row?.learnable) return;
  throw new AppError(row?.visible ? "NOT_ENROLLED" : "NOT_FOUND");
}

export async function courseRefusal(db: Db, viewer: Viewer, courseId: string): Promise<AppError> {
  const [row] = await readRows<{ visible: boolean }>(
    db,
    Prisma.sql`
    SELECT ${readableCoursesSql(viewer)} AS visible FROM courses c WHERE c.id = ${courseId}::uuid`,
  );
  return new AppError(row?.visible ? "NOT_ENROLLED" : "NOT_FOUND");
}
