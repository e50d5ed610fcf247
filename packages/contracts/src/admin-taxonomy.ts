/** The back office's taxonomy categories (domain, level, audience): strict inputs and outputs. */
import { z } from "zod";
import { adminSlugSchema } from "./admin-shared.ts";
import { pageQuerySchema } from "./common.ts";

const label = z.string().trim().min(1).max(120);

export const TAXONOMY_TYPES = ["domain", "level", "audience"] as const;
export const adminTaxonomyTypeSchema = z.enum(TAXONOMY_TYPES);
export type AdminTaxonomyType = z.infer<typeof adminTaxonomyTypeSchema>;

export const adminTaxonomyQuerySchema = pageQuerySchema.extend({
  type: adminTaxonomyTypeSchema.optional(),
  limit: pageQuerySchema.shape.limit.unwrap().default(100),
});
export type AdminTaxonomyQuery = z.infer<typeof adminTaxonomyQuerySchema>;

/** `slug` is derived from `label_fr` when missing. */
export const createTaxonomyCategoryInput = z.strictObject({
  type: adminTaxonomyTypeSchema,
  slug: adminSlugSchema.optional(),
  label_fr: label,
  label_en: label,
  sort_order: z.number().int().min(0).max(10_000).optional(),
  is_active: z.boolean().optional(),
});
export type CreateTaxonomyCategoryInput = z.infer<typeof createTaxonomyCategoryInput>;

/** Labels, order and activity; `type` and `slug` only while no course uses the category. */
export const updateTaxonomyCategoryInput = z
  .strictObject({
    type: adminTaxonomyTypeSchema.optional(),
    slug: adminSlugSchema.optional(),
    label_fr: label.optional(),
    label_en: label.optional(),
    sort_order: z.number().int().min(0).max(10_000).optional(),
    is_active: z.boolean().optional(),
  })
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: "At least one field is required" });
export type UpdateTaxonomyCategoryInput = z.infer<typeof updateTaxonomyCategoryInput>;

export const adminTaxonomyCategorySchema = z.object({
  id: z.uuid(),
  type: adminTaxonomyTypeSchema,
  slug: z.string(),
  label_fr: z.string(),
  label_en: z.string(),
  label: z.string(),
  sort_order: z.number().int(),
  is_active: z.boolean(),
  course_count: z.number().int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type AdminTaxonomyCategory = z.infer<typeof adminTaxonomyCategorySchema>;
