/**
 * The back office's curricula, taxonomy, user groups and platform settings: inputs (strict, so
 * nothing can be mass-assigned) and outputs. Names carry an `admin`/`platformSetting` prefix so
 * they never clash with the public catalog's schemas in the same barrel.
 */
import { z } from "zod";
import { emailSchema } from "./auth.ts";
import { fieldsQuerySchema, languageSchema, pageQuerySchema } from "./common.ts";

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const slug = z.string().trim().max(80).regex(SLUG, "Lower-case letters, digits and single dashes, e.g. sante-publique");
const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(5000).nullable();
const label = z.string().trim().min(1).max(120);

// ─── Curricula ──────────────────────────────────────────────────────────────

export const CURRICULUM_STATUSES = ["draft", "published", "archived"] as const;
export const adminCurriculumStatusSchema = z.enum(CURRICULUM_STATUSES);
export type AdminCurriculumStatus = z.infer<typeof adminCurriculumStatusSchema>;
export const adminVisibilitySchema = z.enum(["public", "private"]);
export type AdminVisibility = z.infer<typeof adminVisibilitySchema>;

export const adminCurriculaQuerySchema = pageQuerySchema.extend({
  status: adminCurriculumStatusSchema.optional(),
  visibility: adminVisibilitySchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
  fields: fieldsQuerySchema.shape.fields,
});
export type AdminCurriculaQuery = z.infer<typeof adminCurriculaQuerySchema>;

/** A new curriculum is always a draft; `slug` is derived from `title_fr` when missing. */
export const createCurriculumInput = z.strictObject({
  slug: slug.optional(),
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
    slug: slug.optional(),
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
  id: z.uuid(),
  slug: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  title: z.string(),
  description_fr: z.string().nullable(),
  description_en: z.string().nullable(),
  description: z.string().nullable(),
  status: adminCurriculumStatusSchema,
  visibility: adminVisibilitySchema,
  course_count: z.number().int(),
  grant_count: z.number().int(),
  published_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type AdminCurriculum = z.infer<typeof adminCurriculumSchema>;
export const ADMIN_CURRICULUM_FIELDS = Object.keys(adminCurriculumSchema.shape) as readonly (keyof AdminCurriculum)[];
export const adminCurriculumFieldsSchema = adminCurriculumSchema.partial().required({ id: true });

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

export const adminCurriculumDetailSchema = adminCurriculumSchema.extend({
  courses: z.array(adminCurriculumCourseSchema),
  grants: z.array(adminCurriculumGrantSchema),
});
export type AdminCurriculumDetail = z.infer<typeof adminCurriculumDetailSchema>;

export const curriculumGrantResultSchema = z.object({ grant: adminCurriculumGrantSchema, created: z.boolean() });
export type CurriculumGrantResult = z.infer<typeof curriculumGrantResultSchema>;

// ─── Taxonomy ───────────────────────────────────────────────────────────────

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
  slug: slug.optional(),
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
    slug: slug.optional(),
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

// ─── Groups ─────────────────────────────────────────────────────────────────

const groupName = z.string().trim().min(1).max(120);

export const adminGroupsQuerySchema = pageQuerySchema.extend({ search: z.string().trim().min(1).max(100).optional() });
export type AdminGroupsQuery = z.infer<typeof adminGroupsQuerySchema>;

export const createGroupInput = z.strictObject({
  name: groupName,
  description: z.string().trim().max(1000).nullable().optional(),
});
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const updateGroupInput = z
  .strictObject({ name: groupName.optional(), description: z.string().trim().max(1000).nullable().optional() })
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: "At least one field is required" });
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;

/** Members to add, by id and/or email (at most 500 in all); unknown ones are reported back. */
export const addGroupMembersInput = z
  .strictObject({
    user_ids: z.array(z.uuid()).max(500).optional(),
    emails: z.array(emailSchema).max(500).optional(),
  })
  .refine((input) => (input.user_ids?.length ?? 0) + (input.emails?.length ?? 0) > 0, {
    message: "Give user_ids or emails",
  })
  .refine((input) => (input.user_ids?.length ?? 0) + (input.emails?.length ?? 0) <= 500, {
    message: "At most 500 members at once",
  });
export type AddGroupMembersInput = z.infer<typeof addGroupMembersInput>;

export const adminGroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  member_count: z.number().int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type AdminGroup = z.infer<typeof adminGroupSchema>;

export const adminGroupMemberSchema = z.object({
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  added_at: z.iso.datetime(),
});
export type AdminGroupMember = z.infer<typeof adminGroupMemberSchema>;

export const groupMembersAddedSchema = z.object({
  added: z.array(z.uuid()),
  already_members: z.array(z.uuid()),
  unknown_user_ids: z.array(z.string()),
  unknown_emails: z.array(z.string()),
});
export type GroupMembersAdded = z.infer<typeof groupMembersAddedSchema>;

// ─── Platform settings ──────────────────────────────────────────────────────

interface SettingDef<S extends z.ZodType> {
  schema: S;
  default: z.infer<S>;
  description: string;
}
const setting = <S extends z.ZodType>(schema: S, dflt: z.infer<S>, description: string): SettingDef<S> => ({
  schema,
  default: dflt,
  description,
});

/** Every platform setting: its value's schema, its default, and what it governs. */
export const PLATFORM_SETTINGS = {
  "tutor.free_daily_messages": setting(
    z.number().int().min(0).max(1000),
    5,
    "AI tutor messages per day for learners without a subscription",
  ),
  "tutor.subscriber_daily_messages": setting(
    z.number().int().min(0).max(10_000),
    100,
    "AI tutor messages per day given to a new subscription",
  ),
  "marketplace.commission_pct": setting(
    z.number().int().min(0).max(100),
    30,
    "Percentage of a marketplace course sale kept by the platform",
  ),
  "platform.default_language": setting(languageSchema, "fr", "Language used when nothing else decides"),
  "placement.retake_cooldown_days": setting(
    z.number().int().min(0).max(365),
    30,
    "Days a learner waits before taking the placement test again",
  ),
  "uploads.max_mb": setting(z.number().int().min(1).max(200), 25, "Largest course resource upload, in MiB"),
  "courses.experts_can_publish": setting(
    z.boolean(),
    false,
    "Whether experts may publish their own courses and change their visibility without an administrator",
  ),
} as const;

export type PlatformSettingKey = keyof typeof PLATFORM_SETTINGS;
export type PlatformSettingValue<K extends PlatformSettingKey> = z.infer<(typeof PLATFORM_SETTINGS)[K]["schema"]>;
export const PLATFORM_SETTING_KEYS = Object.keys(PLATFORM_SETTINGS) as PlatformSettingKey[];

/** Type guard: a key of the registry. */
export function isPlatformSettingKey(key: string): key is PlatformSettingKey {
  return Object.hasOwn(PLATFORM_SETTINGS, key);
}

/**
 * `{key, value}` with the value checked by that key's schema (errors name `value`). An unknown key
 * passes here, so the domain can answer 404 for it.
 */
export const platformSettingUpdateInput = z
  .strictObject({ key: z.string().min(1).max(100), value: z.unknown() })
  .superRefine((input, ctx) => {
    if (!isPlatformSettingKey(input.key)) return;
    const parsed = PLATFORM_SETTINGS[input.key].schema.safeParse(input.value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ["value", ...issue.path] });
  });
export type PlatformSettingUpdateInput = z.infer<typeof platformSettingUpdateInput>;

export const platformSettingKeyInput = z.strictObject({ key: z.string().min(1).max(100) });

export const platformSettingSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  default: z.unknown(),
  source: z.enum(["stored", "default"]),
  description: z.string(),
  updated_at: z.iso.datetime().nullable(),
  updated_by: z.uuid().nullable(),
});
export type PlatformSetting = z.infer<typeof platformSettingSchema>;
export const platformSettingsSchema = z.object({ items: z.array(platformSettingSchema) });
