/** The public taxonomy: active categories grouped by type, in sort order, labels in both languages. */
import { CATALOG_TAXONOMY_TYPES, type CatalogTaxonomy, type CatalogTaxonomyType, type Language } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import { inLanguage } from "../bilingual.ts";

/** Active taxonomy categories, grouped by type (domain, level, audience), each in sort order. */
export async function catalogTaxonomy(db: Tx, lang: Language): Promise<CatalogTaxonomy> {
  const rows = await db.taxonomyCategory.findMany({
    where: { isActive: true, type: { in: [...CATALOG_TAXONOMY_TYPES] } },
    orderBy: [{ sortOrder: "asc" }, { slug: "asc" }],
    select: { id: true, type: true, slug: true, labelFr: true, labelEn: true, sortOrder: true },
  });
  const out: CatalogTaxonomy = { domain: [], level: [], audience: [] };
  for (const r of rows) {
    out[r.type as CatalogTaxonomyType].push({
      id: r.id,
      slug: r.slug,
      label: inLanguage(lang, r.labelFr, r.labelEn),
      label_fr: r.labelFr,
      label_en: r.labelEn,
      sort_order: r.sortOrder,
    });
  }
  return out;
}
