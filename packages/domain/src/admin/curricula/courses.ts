/** A curriculum's ordered courses and its visibility: each change atomic and audited. */
import {
  type AdminCurriculum,
  type AdminCurriculumDetail,
  AppError,
  type Language,
  type ReplaceCurriculumCoursesInput,
  type SetCurriculumVisibilityInput,
} from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { writeAudit } from "../../audit.ts";
import { type CatalogAdminMeta, conflict, prismaCode } from "./common.ts";
import { CURRICULUM_SELECT, getCurriculumForAdmin, toAdminCurriculum } from "./read.ts";
import { lockCurriculum } from "./write.ts";

/** 400 naming each position whose id repeats an earlier one. */
function refuseDuplicates(ids: readonly string[]): void {
  const seen = new Set<string>();
  const errors = ids.flatMap((id, i) => {
    if (!seen.has(id)) {
      seen.add(id);
      return [];
    }
    return [{ field: `course_ids.${i}`, code: "duplicate", message: `Course ${id} is listed twice` }];
  });
  if (errors.length > 0) throw new AppError("VALIDATION_FAILED", { fieldErrors: errors });
}

/**
 * Replaces the curriculum's courses with `course_ids`, in that order (sort_order 0, 1, 2…), in one
 * transaction. Unknown or repeated ids are a 400 naming each one; a published curriculum must keep
 * at least one published course. The same list again changes and audits nothing.
 */
export async function replaceCurriculumCourses(
  db: Db,
  id: string,
  input: ReplaceCurriculumCoursesInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminCurriculumDetail> {
  const ids = input.course_ids;
  refuseDuplicates(ids);
  try {
    await db.$transaction(async (tx) => {
      const row = await lockCurriculum(tx, id);
      const found = await tx.course.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      const known = new Map(found.map((c) => [c.id, c.status]));
      const unknown = ids.flatMap((courseId, i) =>
        known.has(courseId) ? [] : [{ field: `course_ids.${i}`, code: "unknown_course", message: courseId }],
      );
      if (unknown.length > 0) {
        const list = unknown.map((u) => u.message).join(", ");
        throw new AppError("VALIDATION_FAILED", {
          fieldErrors: unknown.map((u) => ({ ...u, message: `No course has the id ${u.message}` })),
          details: { en: `Unknown courses: ${list}.`, fr: `Cours inconnus : ${list}.` },
        });
      }
      const old = await tx.curriculumCourse.findMany({
        where: { curriculumId: id },
        orderBy: [{ sortOrder: "asc" }, { courseId: "asc" }],
        select: { courseId: true },
      });
      const before = old.map((o) => o.courseId);
      if (JSON.stringify(before) === JSON.stringify(ids)) return;
      if (row.status === "published" && !ids.some((courseId) => known.get(courseId) === "published")) {
        throw conflict(
          "A published curriculum must keep at least one published course; archive it instead.",
          "Un parcours publié doit garder au moins un cours publié ; archivez-le plutôt.",
          "course_ids",
        );
      }
      await tx.curriculumCourse.deleteMany({ where: { curriculumId: id } });
      await tx.curriculumCourse.createMany({
        data: ids.map((courseId, sortOrder) => ({ curriculumId: id, courseId, sortOrder })),
      });
      // The catalog's delta sync and ETags follow updated_at.
      await tx.curriculum.update({ where: { id }, data: { updatedAt: meta.now ?? new Date() } });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "curriculum.courses_replaced",
        targetType: "curriculum",
        targetId: id,
        before: { course_ids: before },
        after: { course_ids: ids },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    });
  } catch (error) {
    if (prismaCode(error) === "P2003") {
      throw conflict("A course was deleted meanwhile; try again.", "Un cours a été supprimé entre-temps ; réessayez.");
    }
    throw error;
  }
  return getCurriculumForAdmin(db, id, lang);
}

/** Makes a curriculum public or private (private: only granted users and groups see it). */
export async function setCurriculumVisibility(
  db: Db,
  id: string,
  input: SetCurriculumVisibilityInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminCurriculum> {
  return db.$transaction(async (tx) => {
    const row = await lockCurriculum(tx, id);
    if (row.visibility === input.visibility) return toAdminCurriculum(row, lang);
    const updated = await tx.curriculum.update({
      where: { id },
      data: { visibility: input.visibility },
      select: CURRICULUM_SELECT,
    });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "curriculum.visibility_changed",
      targetType: "curriculum",
      targetId: id,
      before: { visibility: row.visibility },
      after: { visibility: input.visibility },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toAdminCurriculum(updated, lang);
  });
}
