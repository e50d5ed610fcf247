/**
 * What the back office's contracts share: slugs, the deletion answer, and the texts and dates every
 * course and curriculum answer carries.
 */
import { z } from "zod";

/** A URL slug as the catalog's curricula and categories store it. */
export const adminSlugSchema = z
  .string()
  .trim()
  .max(80)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Lower-case letters, digits and single dashes, e.g. sante-publique");

/** What deleting a curriculum, category, group or membership answers. */
export const adminDeletedSchema = z.object({ deleted: z.literal(true) });
export type AdminDeleted = z.infer<typeof adminDeletedSchema>;

/** The id, slug and bilingual texts of a course or curriculum: both stored values, then the resolved one. */
export const adminTitledShape = {
  id: z.uuid(),
  slug: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  title: z.string(),
  description_fr: z.string().nullable(),
  description_en: z.string().nullable(),
  description: z.string().nullable(),
};

/** When a course or curriculum was published (null while it never was), created and last changed. */
export const adminDatesShape = {
  published_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
};
