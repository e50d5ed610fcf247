/**
 * Creating, editing, publishing and deleting curricula. Each change runs in one transaction with
 * its audit row; the curriculum row is locked first so two admins never audit the same "before".
 */
import {
  type AdminCurriculum,
  type AdminCurriculumStatus,
  AppError,
  type CreateCurriculumInput,
  type Language,
  type UpdateCurriculumInput,
} from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { changedFields, writeAudit } from "../../audit.ts";
import { type CatalogAdminMeta, conflict, firstFreeSlug, lockDerivedSlug, prismaCode, slugify } from "./common.ts";
import { CURRICULUM_SELECT, toAdminCurriculum } from "./read.ts";

type Row = Prisma.CurriculumGetPayload<{ select: typeof CURRICULUM_SELECT }>;

/** The audited fields of a curriculum, as the API names them. */
export function curriculumSnapshot(row: Row) {
  return {
    slug: row.slug,
    title_fr: row.titleFr,
    title_en: row.titleEn,
    description_fr: row.descriptionFr,
    description_en: row.descriptionEn,
    status: row.status,
    visibility: row.visibility,
  };
}

/** Locks the curriculum row for this transaction and returns it; 404 when it does not exist. */
export async function lockCurriculum(tx: Tx, id: string): Promise<Row> {
  await tx.$queryRaw`SELECT id FROM curricula WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await tx.curriculum.findUnique({ where: { id }, select: CURRICULUM_SELECT });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

const slugTaken = (slug: string) =>
  conflict(
    `The slug "${slug}" is already used by another curriculum.`,
    `Le slug « ${slug} » est déjà pris.`,
    "slug",
    "SLUG_TAKEN",
  );

/** Creates a draft curriculum; its slug is derived from `title_fr` (accents folded) when missing. */
export async function createCurriculum(
  db: Db,
  input: CreateCurriculumInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminCurriculum> {
  let slug = input.slug;
  try {
    return await db.$transaction(async (tx) => {
      if (!slug) {
        const base = slugify(input.title_fr) || slugify(input.title_en) || "curriculum";
        await lockDerivedSlug(tx, "curricula", base);
        const taken = await tx.curriculum.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } });
        slug = firstFreeSlug(
          base,
          taken.map((t) => t.slug),
        );
      }
      const row = await tx.curriculum.create({
        data: {
          slug,
          titleFr: input.title_fr,
          titleEn: input.title_en,
          descriptionFr: input.description_fr ?? null,
          descriptionEn: input.description_en ?? null,
          visibility: input.visibility ?? "public",
          status: "draft",
          createdById: meta.actorId,
        },
        select: CURRICULUM_SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "curriculum.created",
        targetType: "curriculum",
        targetId: row.id,
        after: curriculumSnapshot(row),
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toAdminCurriculum(row, lang);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw slugTaken(slug ?? "");
    throw error;
  }
}

/** Status moves an admin may make; staying put is a no-op. */
const TRANSITIONS: Record<AdminCurriculumStatus, readonly AdminCurriculumStatus[]> = {
  draft: ["published"],
  published: ["archived"],
  archived: ["published"],
};

/** Why a curriculum cannot be published (empty when it can): both titles and a published course. */
export async function publishProblems(
  tx: Tx,
  id: string,
  titles: { title_fr: string; title_en: string },
): Promise<{ field: string; en: string; fr: string }[]> {
  const problems: { field: string; en: string; fr: string }[] = [];
  if (!titles.title_fr.trim()) problems.push({ field: "title_fr", en: "a French title", fr: "un titre en français" });
  if (!titles.title_en.trim()) problems.push({ field: "title_en", en: "an English title", fr: "un titre en anglais" });
  const published = await tx.curriculumCourse.count({ where: { curriculumId: id, course: { status: "published" } } });
  if (published === 0) {
    problems.push({ field: "courses", en: "at least one published course", fr: "au moins un cours publié" });
  }
  return problems;
}

/** A 409 listing what publishing still needs. */
export function cannotPublish(problems: { field: string; en: string; fr: string }[]): AppError {
  return new AppError("NOT_PUBLISHABLE", {
    details: {
      en: `This curriculum cannot be published yet: it needs ${problems.map((p) => p.en).join(", ")}.`,
      fr: `Ce parcours ne peut pas encore être publié : il lui faut ${problems.map((p) => p.fr).join(", ")}.`,
    },
    fieldErrors: problems.map((p) => ({ field: p.field, code: "required_to_publish", message: `Needs ${p.en}` })),
  });
}

const FR_STATUS: Record<AdminCurriculumStatus, string> = {
  draft: "brouillon",
  published: "publié",
  archived: "archivé",
};

const ACTIONS: Record<AdminCurriculumStatus, string> = {
  draft: "curriculum.updated",
  published: "curriculum.published",
  archived: "curriculum.archived",
};

/**
 * Edits titles, descriptions, the slug (drafts only) and the status (draft → published →
 * archived, and back to published; publishing needs both titles and a published course). Audits
 * only what changed; sending the current values changes nothing and audits nothing.
 */
export async function updateCurriculum(
  db: Db,
  id: string,
  input: UpdateCurriculumInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminCurriculum> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await lockCurriculum(tx, id);
      const before = curriculumSnapshot(row);
      const wanted = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const diff = changedFields(before, wanted);
      if (Object.keys(diff.after).length === 0) return toAdminCurriculum(row, lang);

      const from = row.status as AdminCurriculumStatus;
      const to = (diff.after.status ?? from) as AdminCurriculumStatus;
      if (to !== from && !TRANSITIONS[from].includes(to)) {
        throw conflict(
          `A ${from} curriculum cannot become ${to}.`,
          `Un parcours ${FR_STATUS[from]} ne peut pas passer à l'état ${FR_STATUS[to]}.`,
          "status",
          "INVALID_TRANSITION",
        );
      }
      if (diff.after.slug !== undefined && from !== "draft") {
        throw conflict(
          "The slug of a curriculum can change only while it is a draft (learners may hold links to it).",
          "Le slug d'un parcours ne peut changer que tant qu'il est en brouillon (des liens peuvent y mener).",
          "slug",
        );
      }
      const next = { ...before, ...diff.after };
      if (to === "published" && from !== "published") {
        const problems = await publishProblems(tx, id, next);
        if (problems.length > 0) throw cannotPublish(problems);
      }
      const now = meta.now ?? new Date();
      const updated = await tx.curriculum.update({
        where: { id },
        data: {
          slug: next.slug,
          titleFr: next.title_fr,
          titleEn: next.title_en,
          descriptionFr: next.description_fr,
          descriptionEn: next.description_en,
          status: to,
          ...(to === "published" && !row.publishedAt ? { publishedAt: now } : {}),
        },
        select: CURRICULUM_SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: to !== from ? ACTIONS[to] : "curriculum.updated",
        targetType: "curriculum",
        targetId: id,
        before: diff.before,
        after: diff.after,
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toAdminCurriculum(updated, lang);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw slugTaken(input.slug ?? "");
    throw error;
  }
}

/** Deletes a draft curriculum (its course links and grants go with it); anything else is a 409. */
export async function deleteCurriculum(db: Db, id: string, meta: CatalogAdminMeta): Promise<void> {
  try {
    await db.$transaction(async (tx) => {
      const row = await lockCurriculum(tx, id);
      if (row.status !== "draft") {
        throw conflict(
          `Only a draft curriculum can be deleted; this one is ${row.status}. Archive it instead.`,
          `Seul un parcours en brouillon peut être supprimé ; celui-ci est ${FR_STATUS[row.status as AdminCurriculumStatus]}. Archivez-le plutôt.`,
          "status",
          "NOT_DRAFT",
        );
      }
      await tx.curriculum.delete({ where: { id } });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "curriculum.deleted",
        targetType: "curriculum",
        targetId: id,
        before: { ...curriculumSnapshot(row), course_count: row._count.courses, grant_count: row._count.access },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    });
  } catch (error) {
    if (prismaCode(error) === "P2003") {
      throw conflict(
        "Activation codes point to this curriculum; it cannot be deleted.",
        "Des codes d'activation mènent à ce parcours ; il ne peut pas être supprimé.",
        undefined,
        "IN_USE",
      );
    }
    throw error;
  }
}
