/** A course's life in the back office: publish, archive, and delete while still a draft. */
import { type AdminCourse, type AdminCourseDeleted, AppError, type Language } from "@sira/contracts";
import type { Db, Prisma, Transaction } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { manageableCourses } from "../../access/readable.ts";
import { changedFields } from "../../audit.ts";
import type { AuditMeta } from "../../request-meta.ts";
import { publishBlockers, publishRefusal } from "./publishable.ts";
import { assertMayPublish } from "./publishing-rights.ts";
import {
  type AdminCourseRow,
  adminCourseInclude,
  auditCourse,
  courseSnapshot,
  lockManageableCourse,
  toAdminCourse,
} from "./shape.ts";

type Change = (
  row: AdminCourseRow & { _count: { modules: number } },
  meta: AuditMeta,
) => Prisma.CourseUncheckedUpdateInput | null;

type Transition = (db: Db, viewer: Viewer, id: string, meta: AuditMeta, lang: Language) => Promise<AdminCourse>;

/**
 * A transition audited as `action`: locks the course (404 unless the viewer manages it), checks
 * `authorise`, applies `change` (null: already in the target state), audits the diff.
 */
function transition(
  action: string,
  change: Change,
  authorise?: (tx: Transaction, viewer: Viewer) => Promise<void>,
): Transition {
  return (db, viewer, id, meta, lang) =>
    db.$transaction(async (tx) => {
      const current = await lockManageableCourse(tx, manageableCourses(viewer), id);
      await authorise?.(tx, viewer);
      const data = change(current, meta);
      if (!data) return toAdminCourse(current, lang);
      const row = await tx.course.update({ where: { id }, data, include: adminCourseInclude });
      await auditCourse(tx, viewer, meta, action, id, changedFields(courseSnapshot(current), courseSnapshot(row)));
      return toAdminCourse(row, lang);
    });
}

/**
 * Publishes a draft or archived course the viewer manages: refused (409, naming what is missing in
 * both languages) without a module or without both titles and descriptions. Sets published_at and
 * the creation step, and brings module_count in line with the modules. Publishing a published
 * course changes nothing. Experts publish only while the platform allows it (publishing-rights.ts).
 */
export const publishAdminCourse: Transition = transition(
  "course.published",
  (row, meta) => {
    if (row.status === "published") return null;
    const moduleCount = row._count.modules;
    const blockers = publishBlockers({ ...courseSnapshot(row), module_count: moduleCount });
    if (blockers.length) throw publishRefusal(blockers, "publish");
    return { status: "published", publishedAt: meta.now, creationStep: "published", moduleCount };
  },
  assertMayPublish,
);

/**
 * Archives a course the viewer manages: it leaves the catalog, while enrolled learners keep access
 * (see readableCourses). Archiving an archived course changes nothing.
 */
export const archiveAdminCourse: Transition = transition("course.archived", (row) =>
  row.status === "archived" ? null : { status: "archived" },
);

/** Deletes a draft the viewer manages, with its modules and resources; 409 once it was published. */
export async function deleteAdminCourse(
  db: Db,
  viewer: Viewer,
  id: string,
  meta: AuditMeta,
): Promise<AdminCourseDeleted> {
  try {
    return await db.$transaction(async (tx) => {
      const current = await lockManageableCourse(tx, manageableCourses(viewer), id);
      if (current.status !== "draft") throw notDraft(current.status);
      await tx.course.delete({ where: { id } });
      await auditCourse(tx, viewer, meta, "course.deleted", id, { before: courseSnapshot(current) });
      return { id, deleted: true as const };
    });
  } catch (error) {
    // A purchase or activation code still points at the course (Restrict foreign keys).
    if ((error as { code?: string }).code === "P2003") throw stillReferenced(error);
    throw error;
  }
}

function notDraft(status: string): AppError {
  return new AppError("NOT_DRAFT", {
    fieldErrors: [{ field: "status", code: "not_draft", message: `The course is ${status}` }],
    details: {
      en: `Only a draft can be deleted; this course is ${status}. Archive it instead.`,
      fr: `Seul un brouillon peut être supprimé ; ce cours est ${status === "published" ? "publié" : "archivé"}. Archivez-le plutôt.`,
    },
  });
}

function stillReferenced(cause: unknown): AppError {
  return new AppError("IN_USE", {
    cause,
    fieldErrors: [{ field: "id", code: "referenced", message: "Purchases or activation codes refer to this course" }],
    details: {
      en: "Purchases or activation codes refer to this course, so it cannot be deleted. Archive it instead.",
      fr: "Des achats ou des codes d'activation renvoient à ce cours : il ne peut pas être supprimé. Archivez-le plutôt.",
    },
  });
}
