/** What the back office's curricula and taxonomy contracts share: slugs and the deletion answer. */
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
