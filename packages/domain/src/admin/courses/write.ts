/** Creating and editing courses in the back office: validated fields only, audited in the same transaction. */
import {
  type AdminCourse,
  AppError,
  type CreateAdminCourseInput,
  type Language,
  type UpdateAdminCourseInput,
} from "@sira/contracts";
import type { Db, Prisma, Transaction, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { manageableCourses } from "../../access/readable.ts";
import { changedFields } from "../../audit.ts";
import { courseLanguagesColumn } from "../../bilingual.ts";
import type { AuditMeta } from "../../request-meta.ts";
import { lockDerivedSlug } from "../curricula/common.ts";
import { publishBlockers, publishRefusal } from "./publishable.ts";
import { assertMayPublish, assertMaySetMarketplace, PRICE_REFUSAL } from "./publishing-rights.ts";
import {
  adminCourseInclude,
  auditCourse,
  type CourseSnapshot,
  courseSnapshot,
  lockManageableCourse,
  toAdminCourse,
} from "./shape.ts";
import { slugify, uniqueCourseSlug } from "./slug.ts";

/** Attempts before giving up when concurrent creations keep taking the derived slug. */
const SLUG_ATTEMPTS = 5;

type Editable = Omit<UpdateAdminCourseInput, "taxonomy_ids" | "expert_id">;
type CourseColumns = Partial<
  Pick<
    Prisma.CourseUncheckedCreateInput,
    | "slug"
    | "titleFr"
    | "titleEn"
    | "descriptionFr"
    | "descriptionEn"
    | "languages"
    | "estimatedHours"
    | "priceCredits"
    | "visibility"
    | "coverImageUrl"
    | "isMarketplace"
    | "expertId"
  >
>;

/** The input's scalar fields as Prisma columns (only what was sent). */
function columns(input: Editable): CourseColumns {
  const data: CourseColumns = {};
  if (input.slug !== undefined) data.slug = input.slug;
  if (input.title_fr !== undefined) data.titleFr = input.title_fr;
  if (input.title_en !== undefined) data.titleEn = input.title_en;
  if (input.description_fr !== undefined) data.descriptionFr = input.description_fr;
  if (input.description_en !== undefined) data.descriptionEn = input.description_en;
  if (input.languages !== undefined) data.languages = courseLanguagesColumn(input.languages);
  if (input.estimated_hours !== undefined) data.estimatedHours = input.estimated_hours;
  if (input.price_credits !== undefined) data.priceCredits = input.price_credits;
  if (input.visibility !== undefined) data.visibility = input.visibility;
  if (input.cover_image_url !== undefined) data.coverImageUrl = input.cover_image_url;
  if (input.is_marketplace !== undefined) data.isMarketplace = input.is_marketplace;
  return data;
}

function invalid(field: string, en: string, fr: string): AppError {
  return new AppError("VALIDATION_FAILED", {
    fieldErrors: [{ field, code: "custom", message: en }],
    details: { en, fr },
  });
}

function slugTaken(slug: string): AppError {
  return new AppError("SLUG_TAKEN", {
    fieldErrors: [{ field: "slug", code: "slug_taken", message: `Slug ${slug} is already used by another course` }],
    details: {
      en: `The slug "${slug}" is already used by another course.`,
      fr: `L'identifiant « ${slug} » est déjà utilisé par un autre cours.`,
    },
  });
}

/** Only admins choose a course's expert; experts own what they create. */
function assertMayAssignExpert(viewer: Viewer, expertId: string | null | undefined): void {
  if (expertId !== undefined && viewer.role !== "admin") {
    throw new AppError("FORBIDDEN", {
      details: {
        en: "Only an administrator may assign a course to an expert.",
        fr: "Seul un administrateur peut attribuer un cours à un expert.",
      },
    });
  }
}

async function assertExpert(tx: Tx, expertId: string | null | undefined): Promise<void> {
  if (!expertId) return;
  const expert = await tx.user.findFirst({
    where: { id: expertId, role: "expert", deletedAt: null },
    select: { id: true },
  });
  if (!expert)
    throw invalid("expert_id", "No expert account has this id.", "Aucun compte expert ne porte cet identifiant.");
}

/**
 * 400 naming the unknown categories. The ones found stay locked (KEY SHARE, as the link's foreign
 * key would) until the transaction ends: a delete queued first makes them unknown here, one queued
 * after finds them in use. Otherwise a delete between this check and the link failed it with a 500.
 */
async function assertCategories(tx: Tx, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const found = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM taxonomy_categories WHERE id = ANY(${ids}::uuid[]) FOR KEY SHARE`;
  const known = new Set(found.map((c) => c.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw invalid(
      "taxonomy_ids",
      `Unknown taxonomy categories: ${unknown.join(", ")}.`,
      `Catégories de taxonomie inconnues : ${unknown.join(", ")}.`,
    );
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

/**
 * Creates a draft course. The slug is the one given (409 when taken) or derived from the French,
 * else English, title with a `-2`, `-3`… suffix on collision. An expert becomes its expert and
 * author; an admin is its author and may name an expert.
 */
export async function createAdminCourse(
  db: Db,
  viewer: Viewer,
  input: CreateAdminCourseInput,
  meta: AuditMeta,
  lang: Language,
): Promise<AdminCourse> {
  assertMayAssignExpert(viewer, input.expert_id);
  if (input.is_marketplace) assertMaySetMarketplace(viewer);
  const derivedFrom = input.title_fr ?? input.title_en ?? "";
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => {
        await assertCategories(tx, input.taxonomy_ids);
        await assertExpert(tx, input.expert_id);
        if (input.slug !== undefined && (await tx.course.findUnique({ where: { slug: input.slug } }))) {
          throw slugTaken(input.slug);
        }
        let slug = input.slug;
        if (slug === undefined) {
          const base = slugify(derivedFrom);
          await lockDerivedSlug(tx, "courses", base);
          slug = await uniqueCourseSlug(tx, base);
        }
        const { taxonomy_ids: taxonomyIds, expert_id: expertId, ...fields } = input;
        const row = await tx.course.create({
          data: {
            ...columns(fields),
            slug,
            titleFr: input.title_fr ?? "",
            titleEn: input.title_en ?? "",
            status: "draft",
            creationStep: "upload",
            createdById: viewer.userId,
            expertId: viewer.role === "expert" ? viewer.userId : (expertId ?? null),
            taxonomyCategories: { create: (taxonomyIds ?? []).map((categoryId) => ({ categoryId })) },
          },
          include: adminCourseInclude,
        });
        await auditCourse(tx, viewer, meta, "course.created", row.id, { after: courseSnapshot(row) });
        return toAdminCourse(row, lang);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.slug !== undefined) throw slugTaken(input.slug);
      if (attempt >= SLUG_ATTEMPTS) throw new AppError("CONFLICT", { cause: error });
    }
  }
}

/** Replaces the course's categories with `ids`; returns whether anything changed. */
async function replaceCategories(tx: Transaction, courseId: string, current: string[], ids: string[]) {
  const wanted = new Set(ids);
  const removed = current.filter((id) => !wanted.has(id));
  const added = ids.filter((id) => !current.includes(id));
  if (removed.length) await tx.courseTaxonomy.deleteMany({ where: { courseId, categoryId: { in: removed } } });
  if (added.length) await tx.courseTaxonomy.createMany({ data: added.map((categoryId) => ({ courseId, categoryId })) });
  return removed.length + added.length > 0;
}

/**
 * Applies a validated change to a course the viewer manages (404 otherwise), with the row locked.
 * A published course must stay publishable; a visibility change, and a price change once
 * published, need publishing rights, and the marketplace flag is an admin's (publishing-rights.ts). Fields that really change are audited as `course.updated` with their
 * before/after values; sending current values writes nothing.
 */
export async function updateAdminCourse(
  db: Db,
  viewer: Viewer,
  id: string,
  input: UpdateAdminCourseInput,
  meta: AuditMeta,
  lang: Language,
): Promise<AdminCourse> {
  assertMayAssignExpert(viewer, input.expert_id);
  try {
    return await db.$transaction(async (tx) => {
      const current = await lockManageableCourse(tx, manageableCourses(viewer), id);
      const before = courseSnapshot(current);
      const { taxonomy_ids: taxonomyIds, expert_id: expertId, ...fields } = input;
      const proposed: CourseSnapshot = { ...before };
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) Object.assign(proposed, { [key]: value });
      }
      if (expertId !== undefined) proposed.expert_id = expertId;
      if (taxonomyIds) proposed.taxonomy_ids = [...taxonomyIds].sort();
      const diff = changedFields(before, proposed);
      if (Object.keys(diff.after).length === 0) return toAdminCourse(current, lang);
      if (diff.after.is_marketplace !== undefined) assertMaySetMarketplace(viewer);
      if (diff.after.visibility !== undefined) await assertMayPublish(tx, viewer);
      if (diff.after.price_credits !== undefined && current.status === "published") {
        await assertMayPublish(tx, viewer, PRICE_REFUSAL);
      }

      if (current.status === "published") {
        const blockers = publishBlockers({ ...proposed, module_count: current._count.modules });
        if (blockers.length) throw publishRefusal(blockers, "update");
      }
      if (diff.after.slug !== undefined && (await tx.course.findUnique({ where: { slug: proposed.slug } }))) {
        throw slugTaken(proposed.slug);
      }
      if (diff.after.taxonomy_ids) await assertCategories(tx, taxonomyIds);
      if (diff.after.expert_id) await assertExpert(tx, expertId);
      if (diff.after.taxonomy_ids) await replaceCategories(tx, id, before.taxonomy_ids, proposed.taxonomy_ids);
      const data = columns(fields);
      if (expertId !== undefined) data.expertId = expertId;
      // Always touch the row, so updated_at moves even when only the taxonomy changed.
      const row = await tx.course.update({
        where: { id },
        data: { ...data, updatedAt: meta.now },
        include: adminCourseInclude,
      });
      await auditCourse(tx, viewer, meta, "course.updated", id, diff);
      return toAdminCourse(row, lang);
    });
  } catch (error) {
    if (isUniqueViolation(error) && input.slug !== undefined) throw slugTaken(input.slug);
    throw error;
  }
}
