/**
 * What the back office's contracts share: slugs, the deletion answer, and the texts and dates every
 * course and curriculum answer carries.
 */
import { z } from "zod";

const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a slug reads as a UUID: `/{id_or_slug}` routes look such a key up as an id, never as a slug. */
export const isUuidShaped = (slug: string): boolean => UUID_SHAPED.test(slug);
export const UUID_SHAPED_SLUG_MESSAGE = "A slug may not look like an id (UUID)";

/** A URL slug as the catalog's curricula and categories store it. */
export const adminSlugSchema = z
  .string()
  .trim()
  .max(80)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Lower-case letters, digits and single dashes, e.g. sante-publique")
  .refine((slug) => !isUuidShaped(slug), { message: UUID_SHAPED_SLUG_MESSAGE });

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
