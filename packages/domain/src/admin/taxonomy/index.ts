/**
 * Taxonomy categories (domain, level, audience) in the back office. `type` and `slug` are the
 * public catalog's filter keys (`?course_domain=sante`), so they change only while no course uses
 * the category; a category in use can be deactivated but not deleted.
 */
import {
  type AdminTaxonomyCategory,
  type AdminTaxonomyQuery,
  AppError,
  type CreateTaxonomyCategoryInput,
  type Language,
  type UpdateTaxonomyCategoryInput,
} from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { changedFields, writeAudit } from "../../audit.ts";
import { inLanguage } from "../../bilingual.ts";
import { pageArgs, recordTombstone } from "../../sync.ts";
import {
  type CatalogAdminMeta,
  conflict,
  firstFreeSlug,
  type Listed,
  lockDerivedSlug,
  prismaCode,
  slugify,
} from "../curricula/common.ts";

const SELECT = {
  id: true,
  type: true,
  slug: true,
  labelFr: true,
  labelEn: true,
  sortOrder: true,
  isActive: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { courses: true } },
} satisfies Prisma.TaxonomyCategorySelect;
type Row = Prisma.TaxonomyCategoryGetPayload<{ select: typeof SELECT }>;

function toCategory(row: Row, lang: Language): AdminTaxonomyCategory {
  return {
    id: row.id,
    type: row.type as AdminTaxonomyCategory["type"],
    slug: row.slug,
    label_fr: row.labelFr,
    label_en: row.labelEn,
    label: inLanguage(lang, row.labelFr, row.labelEn),
    sort_order: row.sortOrder,
    is_active: row.isActive,
    course_count: row._count.courses,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const snapshot = (row: Row) => ({
  type: row.type,
  slug: row.slug,
  label_fr: row.labelFr,
  label_en: row.labelEn,
  sort_order: row.sortOrder,
  is_active: row.isActive,
});

const slugTaken = (slug: string) =>
  conflict(
    `The slug "${slug}" is already used by another category.`,
    `Le slug « ${slug} » est déjà pris.`,
    "slug",
    "SLUG_TAKEN",
  );

/** Every category, active or not, with how many courses use it; by type, then sort order. */
export async function listTaxonomyForAdmin(
  db: Tx,
  query: AdminTaxonomyQuery,
  lang: Language,
): Promise<Listed<AdminTaxonomyCategory>> {
  const where: Prisma.TaxonomyCategoryWhereInput = query.type ? { type: query.type } : {};
  const [rows, total] = await Promise.all([
    db.taxonomyCategory.findMany({
      where,
      select: SELECT,
      orderBy: [{ type: "asc" }, { sortOrder: "asc" }, { slug: "asc" }],
      ...pageArgs(query),
    }),
    db.taxonomyCategory.count({ where }),
  ]);
  return { items: rows.map((r) => toCategory(r, lang)), total };
}

/** Creates a category; its slug is derived from `label_fr` (accents folded) when missing. */
export async function createTaxonomyCategory(
  db: Db,
  input: CreateTaxonomyCategoryInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminTaxonomyCategory> {
  let slug = input.slug;
  try {
    return await db.$transaction(async (tx) => {
      if (!slug) {
        const base = slugify(input.label_fr) || slugify(input.label_en) || input.type;
        await lockDerivedSlug(tx, "taxonomy", base);
        const taken = await tx.taxonomyCategory.findMany({
          where: { slug: { startsWith: base } },
          select: { slug: true },
        });
        slug = firstFreeSlug(
          base,
          taken.map((t) => t.slug),
        );
      }
      const row = await tx.taxonomyCategory.create({
        data: {
          type: input.type,
          slug,
          labelFr: input.label_fr,
          labelEn: input.label_en,
          sortOrder: input.sort_order ?? 0,
          isActive: input.is_active ?? true,
        },
        select: SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "taxonomy.created",
        targetType: "taxonomy_category",
        targetId: row.id,
        after: snapshot(row),
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toCategory(row, lang);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw slugTaken(slug ?? "");
    throw error;
  }
}

async function lockCategory(tx: Tx, id: string): Promise<Row> {
  await tx.$queryRaw`SELECT id FROM taxonomy_categories WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await tx.taxonomyCategory.findUnique({ where: { id }, select: SELECT });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/**
 * Edits labels, sort order and activity; `type` and `slug` too while no course uses the category
 * (else 409). Audits what changed; the current values again change and audit nothing.
 */
export async function updateTaxonomyCategory(
  db: Db,
  id: string,
  input: UpdateTaxonomyCategoryInput,
  meta: CatalogAdminMeta,
  lang: Language,
): Promise<AdminTaxonomyCategory> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await lockCategory(tx, id);
      const wanted = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const diff = changedFields(snapshot(row), wanted);
      if (Object.keys(diff.after).length === 0) return toCategory(row, lang);
      const keyChange = (["type", "slug"] as const).find((k) => diff.after[k] !== undefined);
      if (keyChange && row._count.courses > 0) {
        throw conflict(
          `The ${keyChange} of a category cannot change while ${row._count.courses} course(s) use it.`,
          `Le champ ${keyChange} d'une catégorie ne peut pas changer tant que ${row._count.courses} cours l'utilisent.`,
          keyChange,
          "IN_USE",
        );
      }
      const next = { ...snapshot(row), ...diff.after };
      const updated = await tx.taxonomyCategory.update({
        where: { id },
        data: {
          type: next.type,
          slug: next.slug,
          labelFr: next.label_fr,
          labelEn: next.label_en,
          sortOrder: next.sort_order,
          isActive: next.is_active,
        },
        select: SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "taxonomy.updated",
        targetType: "taxonomy_category",
        targetId: id,
        before: diff.before,
        after: diff.after,
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toCategory(updated, lang);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw slugTaken(input.slug ?? "");
    throw error;
  }
}

const inUse = (count: number) =>
  conflict(
    `This category is used by ${count} course(s); remove it from them, or deactivate it instead.`,
    `Cette catégorie est utilisée par ${count} cours ; retirez-la de ces cours, ou désactivez-la plutôt.`,
    undefined,
    "IN_USE",
  );

/** Deletes an unused category (409 while any course uses it) and leaves a catalog tombstone. */
export async function deleteTaxonomyCategory(db: Db, id: string, meta: CatalogAdminMeta): Promise<void> {
  try {
    await db.$transaction(async (tx) => {
      const row = await lockCategory(tx, id);
      if (row._count.courses > 0) throw inUse(row._count.courses);
      await tx.taxonomyCategory.delete({ where: { id } });
      await recordTombstone(tx, { entity: "taxonomy_categories", entityId: id, deletedAt: meta.now ?? new Date() });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "taxonomy.deleted",
        targetType: "taxonomy_category",
        targetId: id,
        before: snapshot(row),
        requestId: meta.requestId,
        ip: meta.ip,
      });
    });
  } catch (error) {
    // course_taxonomy restricts the delete: a course took the category between the count and here.
    if (prismaCode(error) === "P2003") throw inUse(1);
    throw error;
  }
}
