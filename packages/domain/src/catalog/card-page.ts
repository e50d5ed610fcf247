/**
 * The catalog's hot read, one reviewed statement (decision 0054, third pass): a page of course
 * cards with their active taxonomy, whether the viewer is enrolled, and the total that match. The
 * ORM form took four statements and ~1.9 ms of CPU per call; this one ~0.2 ms. Visibility is
 * `catalogCoursesSql`, the SQL form of `catalogCourses` (access-sql.test.ts keeps them equal).
 */
import type { CatalogCourse, Language } from "@sira/contracts";
import { Prisma, readRows, type Tx } from "@sira/infra/db";
import type { MaybeViewer } from "../access/actor.ts";
import { LIVE_ENROLLMENT_STATUSES } from "../access/learner.ts";
import { catalogCoursesSql } from "../access/sql.ts";
import { type CourseCardRow, toCatalogCourse } from "./shape.ts";

export interface TaxonomyFilters {
  domain?: string[];
  level?: string[];
  audience?: string[];
}

interface CardPageRow extends CourseCardRow {
  enrolled: boolean | null;
  total: number;
}

function taxonomyCondition(type: string, slugs: string[] | undefined): Prisma.Sql {
  if (!slugs?.length) return Prisma.empty;
  return Prisma.sql` AND EXISTS (SELECT 1 FROM course_taxonomy ct JOIN taxonomy_categories t ON t.id = ct.category_id
    WHERE ct.course_id = c.id AND t.type = ${type} AND t.slug = ANY(${slugs}))`;
}

/** The catalog courses (`courses AS c`) the viewer may see that match the taxonomy filters. */
export function catalogWhereSql(viewer: MaybeViewer, filters: TaxonomyFilters): Prisma.Sql {
  return Prisma.sql`${catalogCoursesSql(viewer)}${taxonomyCondition("domain", filters.domain)}${taxonomyCondition(
    "level",
    filters.level,
  )}${taxonomyCondition("audience", filters.audience)}`;
}

/** One page of the catalog, newest first, and how many courses match (same order and rows as the ORM form). */
export async function catalogCardPage(
  db: Tx,
  viewer: MaybeViewer,
  filters: TaxonomyFilters,
  page: { skip: number; take: number },
  lang: Language,
): Promise<{ items: CatalogCourse[]; total: number }> {
  const where = catalogWhereSql(viewer, filters);
  const enrolled = viewer
    ? Prisma.sql`EXISTS (SELECT 1 FROM user_course_enrollment e WHERE e.course_id = c.id
        AND e.user_id = ${viewer.userId}::uuid AND e.status = ANY(${LIVE_ENROLLMENT_STATUSES}))`
    : Prisma.sql`NULL::boolean`;
  const rows = await readRows<CardPageRow>(
    db,
    Prisma.sql`
    SELECT c.id, c.slug, c.title_fr AS "titleFr", c.title_en AS "titleEn", c.description_fr AS "descriptionFr",
      c.description_en AS "descriptionEn", c.cover_image_url AS "coverImageUrl", c.price_credits AS "priceCredits",
      c.estimated_hours AS "estimatedHours", c.module_count AS "moduleCount", c.languages, c.updated_at AS "updatedAt",
      (SELECT coalesce(json_agg(json_build_object('category',
          json_build_object('type', t.type, 'slug', t.slug, 'sortOrder', t.sort_order))), '[]'::json)
        FROM course_taxonomy ct JOIN taxonomy_categories t ON t.id = ct.category_id AND t.is_active
        WHERE ct.course_id = c.id) AS "taxonomyCategories",
      ${enrolled} AS enrolled,
      (count(*) OVER ())::int AS total
    FROM courses c WHERE ${where}
    ORDER BY c.published_at DESC NULLS LAST, c.id
    OFFSET ${page.skip} LIMIT ${page.take}`,
  );
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && page.skip > 0) {
    // Past the last page the window has no row to carry the total.
    const [count] = await readRows<{ total: number }>(
      db,
      Prisma.sql`SELECT count(*)::int AS total FROM courses c WHERE ${where}`,
    );
    total = count?.total ?? 0;
  }
  return {
    items: rows.map((r) => toCatalogCourse(r, lang, viewer ? (r.enrolled ?? false) : undefined)),
    total,
  };
}
