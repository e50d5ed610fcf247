/**
 * The course refusal as one raw statement, for reads that fold the learnable check into their own
 * SQL (sql.ts): 403 NOT_ENROLLED when the viewer may see the course, else 404.
 */
import { AppError } from "@sira/contracts";
import { type Db, Prisma, readRows } from "@sira/infra/db";
import type { Viewer } from "./actor.ts";
import { readableCoursesSql } from "./sql.ts";

export async function courseRefusal(db: Db, viewer: Viewer, courseId: string): Promise<AppError> {
  const [row] = await readRows<{ visible: boolean }>(
    db,
    Prisma.sql`
    SELECT ${readableCoursesSql(viewer)} AS visible FROM courses c WHERE c.id = ${courseId}::uuid`,
  );
  return new AppError(row?.visible ? "NOT_ENROLLED" : "NOT_FOUND");
}
