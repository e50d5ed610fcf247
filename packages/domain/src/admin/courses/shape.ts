/** A course row as the back office sees it, and the snapshot of it that the audit log keeps. */
import { type AdminCourse, AppError, type Language } from "@sira/contracts";
import type { Prisma, Transaction, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { writeAudit } from "../../audit.ts";
import { courseLanguages } from "../../bilingual.ts";
import type { AuditMeta } from "../../request-meta.ts";
import { adminTitled } from "../../titled.ts";

/** What every back-office read of a course loads: the row and its taxonomy categories. */
export const adminCourseInclude = {
  taxonomyCategories: {
    select: { category: { select: { id: true, type: true, slug: true, labelFr: true, labelEn: true } } },
  },
} satisfies Prisma.CourseInclude;

export type AdminCourseRow = Prisma.CourseGetPayload<{ include: typeof adminCourseInclude }>;

/** The API shape of a course row. */
export function toAdminCourse(row: AdminCourseRow, lang: Language): AdminCourse {
  return {
    ...adminTitled(row, lang),
    languages: courseLanguages(row.languages),
    estimated_hours: row.estimatedHours,
    module_count: row.moduleCount,
    status: row.status as AdminCourse["status"],
    visibility: row.visibility as AdminCourse["visibility"],
    cover_image_url: row.coverImageUrl,
    price_credits: row.priceCredits,
    is_marketplace: row.isMarketplace,
    creation_step: row.creationStep as AdminCourse["creation_step"],
    expert_id: row.expertId,
    created_by: row.createdById,
    taxonomy: row.taxonomyCategories
      .map(({ category: c }) => ({ id: c.id, type: c.type, slug: c.slug, label_fr: c.labelFr, label_en: c.labelEn }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.slug.localeCompare(b.slug)),
    published_at: row.publishedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type CourseSnapshot = Omit<
  AdminCourse,
  "id" | "title" | "description" | "taxonomy" | "created_at" | "updated_at"
> & { taxonomy_ids: string[] };

/**
 * The stored state of a course in API names, for audit `before`/`after`: no resolved texts, no
 * timestamps that change on every write, and taxonomy as a sorted id list so a diff is stable.
 */
export function courseSnapshot(row: AdminCourseRow): CourseSnapshot {
  const {
    id: _id,
    title: _t,
    description: _d,
    taxonomy,
    created_at: _c,
    updated_at: _u,
    ...rest
  } = toAdminCourse(row, "fr");
  return { ...rest, taxonomy_ids: taxonomy.map((t) => t.id).sort() };
}

/** The course the viewer may manage, locked for the rest of the transaction; 404 otherwise. */
export async function lockManageableCourse(
  tx: Transaction,
  where: Prisma.CourseWhereInput,
  id: string,
): Promise<AdminCourseRow & { _count: { modules: number } }> {
  // Lock first (by id only, which reveals nothing), then read through the access filter.
  await tx.$queryRaw`SELECT id FROM courses WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await tx.course.findFirst({
    where: { AND: [where, { id }] },
    include: { ...adminCourseInclude, _count: { select: { modules: true } } },
  });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** Audits a change the viewer made to a course, in the transaction that made it. */
export function auditCourse(
  tx: Tx,
  viewer: Viewer,
  meta: AuditMeta,
  action: string,
  id: string,
  change: { before?: Partial<CourseSnapshot>; after?: Partial<CourseSnapshot> },
): Promise<void> {
  return writeAudit(tx, {
    actorId: viewer.userId,
    action,
    targetType: "course",
    targetId: id,
    ...change,
    requestId: meta.requestId,
    ip: meta.ip,
  });
}
