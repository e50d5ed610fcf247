/**
 * The back office's courses (list, create, update, delete, publish, archive), the audit-log reader
 * and the analytics overview. Inputs are strict: a key that is not listed is refused by name, so
 * nothing (status, created_by, module_count…) can be mass-assigned.
 */
import { z } from "zod";
import { adminDatesShape, adminTitledShape, isUuidShaped, UUID_SHAPED_SLUG_MESSAGE } from "./admin-shared.ts";
import { languageSchema, pageQuerySchema, requestInstantSchema } from "./common.ts";

export const ADMIN_COURSE_STATUSES = ["draft", "published", "archived"] as const;
export const ADMIN_COURSE_VISIBILITIES = ["public", "private"] as const;
export const ADMIN_COURSE_CREATION_STEPS = ["upload", "generating", "published"] as const;

/** Same pattern as the `courses_slug_check` constraint. */
export const COURSE_SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const COURSE_SLUG_MAX_LENGTH = 120;
/** Words that /api/v1/courses/{id_or_slug} already uses for other routes. */
export const RESERVED_COURSE_SLUGS: readonly string[] = ["taxonomy", "my-enrollments"];

export const adminCourseStatusSchema = z.enum(ADMIN_COURSE_STATUSES);
export const adminCourseVisibilitySchema = z.enum(ADMIN_COURSE_VISIBILITIES);

const slugSchema = z
  .string()
  .min(1)
  .max(COURSE_SLUG_MAX_LENGTH)
  .regex(COURSE_SLUG_PATTERN, { message: "Lowercase letters, digits and single hyphens, e.g. sante-publique" })
  .refine((slug) => !RESERVED_COURSE_SLUGS.includes(slug), { message: "This word is reserved by the API" })
  .refine((slug) => !isUuidShaped(slug), { message: UUID_SHAPED_SLUG_MESSAGE });
const titleSchema = z.string().trim().min(1).max(200);
const descriptionSchema = z.string().trim().min(1).max(10_000).nullable();
const coverImageSchema = z
  .url({ protocol: /^https?$/ })
  .max(2_048)
  .nullable();
/** The languages a course is taught in (the column keeps their order): the same list in and out. */
const courseLanguagesSchema = z
  .array(languageSchema)
  .min(1)
  .max(2)
  .refine((languages) => new Set(languages).size === languages.length, { message: "Each language may appear once" });
const taxonomyIdsSchema = z
  .array(z.uuid())
  .max(30)
  .refine((ids) => new Set(ids).size === ids.length, { message: "Each category may appear once" });

/** The editable fields, shared by create and update. */
const editable = {
  slug: slugSchema.optional(),
  description_fr: descriptionSchema.optional(),
  description_en: descriptionSchema.optional(),
  languages: courseLanguagesSchema.optional(),
  estimated_hours: z.number().int().min(0).max(10_000).optional(),
  price_credits: z.number().int().min(0).max(10_000_000).optional(),
  visibility: adminCourseVisibilitySchema.optional(),
  cover_image_url: coverImageSchema.optional(),
  /** Replaces the course's taxonomy categories (domain, level, audience) with these. */
  taxonomy_ids: taxonomyIdsSchema.optional(),
  is_marketplace: z.boolean().optional(),
  /** Admins only: the expert who owns the course. Experts always own what they create. */
  expert_id: z.uuid().nullable().optional(),
};

/**
 * A new draft. At least one title is required; the slug is derived from the French (else English)
 * title when it is not given. Status, author, module count and creation step are the server's.
 */
export const createAdminCourseInput = z
  .strictObject({ title_fr: titleSchema.optional(), title_en: titleSchema.optional(), ...editable })
  .refine((input) => input.title_fr !== undefined || input.title_en !== undefined, {
    message: "A title in French or English is required",
    path: ["title_fr"],
  });
export type CreateAdminCourseInput = z.infer<typeof createAdminCourseInput>;

/** Changes to a course; at least one field. Titles cannot be blanked. */
export const updateAdminCourseInput = z
  .strictObject({ title_fr: titleSchema.optional(), title_en: titleSchema.optional(), ...editable })
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: "At least one field is required" });
export type UpdateAdminCourseInput = z.infer<typeof updateAdminCourseInput>;

export const adminCourseTaxonomySchema = z.object({
  id: z.uuid(),
  type: z.string(),
  slug: z.string(),
  label_fr: z.string(),
  label_en: z.string(),
});

/** A course as the back office sees it: every stored field, plus `title`/`description` in the request's language. */
export const adminCourseSchema = z.object({
  ...adminTitledShape,
  languages: z.array(languageSchema),
  estimated_hours: z.number().int(),
  module_count: z.number().int(),
  status: adminCourseStatusSchema,
  visibility: adminCourseVisibilitySchema,
  cover_image_url: z.string().nullable(),
  price_credits: z.number().int(),
  is_marketplace: z.boolean(),
  creation_step: z.enum(ADMIN_COURSE_CREATION_STEPS),
  expert_id: z.uuid().nullable(),
  created_by: z.uuid().nullable(),
  taxonomy: z.array(adminCourseTaxonomySchema),
  ...adminDatesShape,
});
export type AdminCourse = z.infer<typeof adminCourseSchema>;

/** The names `?fields=` accepts on admin course lists. */
export const ADMIN_COURSE_FIELDS = Object.keys(adminCourseSchema.shape) as readonly (keyof AdminCourse)[];

/** `GET /admin/courses`: every status, newest change first. */
export const adminCourseListQuery = pageQuerySchema.extend({
  status: adminCourseStatusSchema.optional(),
  visibility: adminCourseVisibilitySchema.optional(),
  /** Accent- and case-insensitive substring of the FR or EN title. */
  search: z.string().trim().min(1).max(100).optional(),
  expert_id: z.uuid().optional(),
  /** A taxonomy category, by slug or id. */
  taxonomy: z.string().trim().min(1).max(120).optional(),
});
export type AdminCourseListQuery = z.infer<typeof adminCourseListQuery>;

export const adminCourseDeletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) });
export type AdminCourseDeleted = z.infer<typeof adminCourseDeletedSchema>;

// ─── Audit log ──────────────────────────────────────────────────────────────────────────────────

/** `GET /admin/audit-log`: newest first; `action` matches a prefix (`course.` → every course action). */
export const auditLogQuery = pageQuerySchema
  .extend({
    actor_id: z.uuid().optional(),
    action: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9_.]+$/, { message: "Lowercase dotted action or prefix, e.g. course. or course.published" })
      .optional(),
    target_type: z.string().trim().min(1).max(60).optional(),
    target_id: z.string().trim().min(1).max(200).optional(),
    /** Inclusive lower bound on the entry's time. */
    from: requestInstantSchema({ offset: true }).optional(),
    /** Exclusive upper bound on the entry's time. */
    to: requestInstantSchema({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: "`from` must not be after `to`",
    path: ["from"],
  });
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditEntrySchema = z.object({
  id: z.uuid(),
  actor_id: z.uuid().nullable(),
  actor: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.string() }).nullable(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// ─── Analytics ──────────────────────────────────────────────────────────────────────────────────

const windowsSchema = z.object({ day: z.number().int(), week: z.number().int(), month: z.number().int() });
const funnelSchema = z.object({
  enrolled: z.number().int(),
  /** Enrolled learners with any module or unit progress begun (or the course completed). */
  started: z.number().int(),
  completed: z.number().int(),
});
const enrollmentCountsSchema = z.object({
  enrolled: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  dropped: z.number().int(),
  /** Mean `completion_pct` over every enrollment; null without any. */
  average_completion_pct: z.number().nullable(),
  funnel: funnelSchema,
});

/** How many courses the overview details, most enrolled first. */
export const ANALYTICS_COURSE_LIMIT = 100;

/**
 * `GET /admin/analytics/overview`. Windows are rolling: the last 24 hours, 7 days and 30 days
 * before `generated_at`. Active users are distinct users with a usage event in the window.
 */
export const analyticsOverviewSchema = z.object({
  generated_at: z.iso.datetime(),
  users: z.object({
    /** Accounts not erased. */
    total: z.number().int(),
    by_role: z.object({ learner: z.number().int(), expert: z.number().int(), admin: z.number().int() }),
    new: windowsSchema,
    active: windowsSchema,
  }),
  enrollments: enrollmentCountsSchema,
  /** Published or archived courses and any course with enrollments, up to ANALYTICS_COURSE_LIMIT. */
  courses: z.array(
    enrollmentCountsSchema.extend({
      course_id: z.uuid(),
      slug: z.string(),
      title_fr: z.string(),
      title_en: z.string(),
      title: z.string(),
      status: adminCourseStatusSchema,
    }),
  ),
  /** How many courses qualified, including those beyond the limit. */
  courses_total: z.number().int(),
});
export type AnalyticsOverview = z.infer<typeof analyticsOverviewSchema>;
export type CourseAnalytics = AnalyticsOverview["courses"][number];
