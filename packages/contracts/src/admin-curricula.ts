/**
 * The back office's curricula: inputs (strict, so nothing can be mass-assigned) and outputs. Names
 * carry an `admin` prefix so they never clash with the public catalog's schemas in the same barrel.
 */
import { z } from "zod";
import { adminDatesShape, adminSlugSchema, adminTitledShape } from "./admin-shared.ts";
import { emailSchema } from "./auth.ts";
import { pageQuerySchema } from "./common.ts";

const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(5000).nullable();

export const CURRICULUM_STATUSES = ["draft", "published", "archived"] as const;
export const adminCurriculumStatusSchema = z.enum(CURRICULUM_STATUSES);
export type AdminCurriculumStatus = z.infer<typeof adminCurriculumStatusSchema>;
export const adminVisibilitySchema = z.enum(["public", "private"]);
export type AdminVisibility = z.infer<typeof adminVisibilitySchema>;

export const adminCurriculaQuerySchema = pageQuerySchema.extend({
  status: adminCurriculumStatusSchema.optional(),
  visibility: adminVisibilitySchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
});
export type AdminCurriculaQuery = z.infer<typeof adminCurriculaQuerySchema>;

/** A new curriculum is always a draft; `slug` is derived from `title_fr` when missing. */
export const createCurriculumInput = z.strictObject({
  slug: adminSlugSchema.optional(),
  title_fr: title,
  title_en: title,
  description_fr: description.optional(),
  description_en: description.optional(),
  visibility: adminVisibilitySchema.optional(),
});
export type CreateCurriculumInput = z.infer<typeof createCurriculumInput>;

/**
 * What PATCH may change. `status` moves draft → published → archived (and archived → published);
 * `slug` only while a draft. Visibility, courses and access have their own routes.
 */
export const updateCurriculumInput = z
  .strictObject({
    slug: adminSlugSchema.optional(),
    title_fr: title.optional(),
    title_en: title.optional(),
    description_fr: description.optional(),
    description_en: description.optional(),
    status: adminCurriculumStatusSchema.optional(),
  })
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: "At least one field is required" });
export type UpdateCurriculumInput = z.infer<typeof updateCurriculumInput>;

/** The ordered set of courses, replacing the old one. */
export const replaceCurriculumCoursesInput = z.strictObject({
  course_ids: z.array(z.uuid()).max(200),
});
export type ReplaceCurriculumCoursesInput = z.infer<typeof replaceCurriculumCoursesInput>;

export const setCurriculumVisibilityInput = z.strictObject({ visibility: adminVisibilitySchema });
export type SetCurriculumVisibilityInput = z.infer<typeof setCurriculumVisibilityInput>;

/** Who a grant is for: exactly one of a user (by id or email) or a group. */
export const curriculumGranteeInput = z
  .strictObject({
    user_id: z.uuid().optional(),
    user_email: emailSchema.optional(),
    group_id: z.uuid().optional(),
  })
  .superRefine((input, ctx) => {
    const given = [input.user_id, input.user_email, input.group_id].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: "custom", path: [], message: "Give exactly one of user_id, user_email or group_id" });
    }
  });
export type CurriculumGranteeInput = z.infer<typeof curriculumGranteeInput>;

export const adminCurriculumSchema = z.object({
  ...adminTitledShape,
  status: adminCurriculumStatusSchema,
  visibility: adminVisibilitySchema,
  course_count: z.number().int(),
  grant_count: z.number().int(),
  ...adminDatesShape,
});
export type AdminCurriculum = z.infer<typeof adminCurriculumSchema>;
export const ADMIN_CURRICULUM_FIELDS = Object.keys(adminCurriculumSchema.shape) as readonly (keyof AdminCurriculum)[];

export const adminCurriculumCourseSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  title: z.string(),
  status: z.string(),
  visibility: z.string(),
  sort_order: z.number().int(),
});
export type AdminCurriculumCourse = z.infer<typeof adminCurriculumCourseSchema>;

export const adminCurriculumGrantSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["user", "group"]),
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).nullable(),
  group: z.object({ id: z.uuid(), name: z.string(), member_count: z.number().int() }).nullable(),
  granted_by: z.uuid().nullable(),
  created_at: z.iso.datetime(),
});
export type AdminCurriculumGrant = z.infer<typeof adminCurriculumGrantSchema>;

/** Grants a curriculum's detail embeds; `grant_count` counts them all, GET /{id}/access pages them. */
export const ADMIN_CURRICULUM_DETAIL_GRANTS = 100;

export const adminCurriculumDetailSchema = adminCurriculumSchema.extend({
  courses: z.array(adminCurriculumCourseSchema),
  /** The newest ADMIN_CURRICULUM_DETAIL_GRANTS grants, newest first. */
  grants: z.array(adminCurriculumGrantSchema),
});
export type AdminCurriculumDetail = z.infer<typeof adminCurriculumDetailSchema>;

export const curriculumGrantResultSchema = z.object({ grant: adminCurriculumGrantSchema, created: z.boolean() });
export type CurriculumGrantResult = z.infer<typeof curriculumGrantResultSchema>;
