/**
 * The id, slug, title and description that courses and curricula carry: selected with the same
 * columns and shown with both stored texts beside the one resolved to the request's language.
 */
import type { Language } from "@sira/contracts";
import { inLanguage } from "./bilingual.ts";

/** The columns behind a course's or curriculum's id, slug and FR/EN texts. */
export const TITLED_SELECT = {
  id: true,
  slug: true,
  titleFr: true,
  titleEn: true,
  descriptionFr: true,
  descriptionEn: true,
} as const;

/** A course or curriculum row loaded with TITLED_SELECT (and possibly more). */
export interface TitledRow {
  id: string;
  slug: string;
  titleFr: string;
  titleEn: string;
  descriptionFr: string | null;
  descriptionEn: string | null;
}

/** The catalog's texts: the resolved one first, then both stored values. */
export function catalogTitled(row: TitledRow, lang: Language) {
  return {
    id: row.id,
    slug: row.slug,
    title: inLanguage(lang, row.titleFr, row.titleEn),
    title_fr: row.titleFr,
    title_en: row.titleEn,
    description: inLanguage(lang, row.descriptionFr, row.descriptionEn),
    description_fr: row.descriptionFr,
    description_en: row.descriptionEn,
  };
}

/** The back office's texts: both stored values first, then the resolved one. */
export function adminTitled(row: TitledRow, lang: Language) {
  return {
    id: row.id,
    slug: row.slug,
    title_fr: row.titleFr,
    title_en: row.titleEn,
    title: inLanguage(lang, row.titleFr, row.titleEn),
    description_fr: row.descriptionFr,
    description_en: row.descriptionEn,
    description: inLanguage(lang, row.descriptionFr, row.descriptionEn),
  };
}
