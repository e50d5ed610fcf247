/**
 * The public catalog: taxonomy, courses, curricula and the learner's enrollments. Items are kept
 * small for 2G/3G phones; bilingual texts carry both stored values and the resolved one.
 */
import { z } from "zod";
import { languageSchema, pageQuerySchema } from "./common.ts";

export const CATALOG_TAXONOMY_TYPES = ["domain", "level", "audience"] as const;
export const catalogTaxonomyTypeSchema = z.enum(CATALOG_TAXONOMY_TYPES);
export type CatalogTaxonomyType = z.infer<typeof catalogTaxonomyTypeSchema>;

export const ENROLLMENT_STATUSES = ["active", "completed", "dropped"] as const;
export const enrollmentStatusSchema = z.enum(ENROLLMENT_STATUSES);

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const slugSchema = z.string().max(120).regex(SLUG, "Must be a slug: lower-case letters, digits and dashes");

/** A course or curriculum named by its id or its slug, as in `/courses/{id_or_slug}`. */
export const catalogIdOrSlugSchema = z.union([z.uuid(), slugSchema]);
export const catalogCourseKeyInput = z.object({ id_or_slug: catalogIdOrSlugSchema });
export const catalogCurriculumKeyInput = z.object({ slug: catalogIdOrSlugSchema });

// ── Taxonomy ────────────────────────────────────────────────────────────────────────────────────

export const catalogTaxonomyCategorySchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  label: z.string(),
  label_fr: z.string(),
  label_en: z.string(),
  sort_order: z.number().int(),
});
export type CatalogTaxonomyCategory = z.infer<typeof catalogTaxonomyCategorySchema>;

/** Active categories grouped by type, each group in sort order. */
export const catalogTaxonomySchema = z.object({
  domain: z.array(catalogTaxonomyCategorySchema),
  level: z.array(catalogTaxonomyCategorySchema),
  audience: z.array(catalogTaxonomyCategorySchema),
});
export type CatalogTaxonomy = z.infer<typeof catalogTaxonomySchema>;

// ── Courses ─────────────────────────────────────────────────────────────────────────────────────

/** Taxonomy slugs of one type, `a,b` meaning either (types combine with AND). */
const taxonomyFilterSchema = z
  .string()
  .trim()
  .max(400)
  .transform((v) => [...new Set(v.split(",").map((s) => s.trim()))].filter(Boolean))
  .pipe(z.array(slugSchema).max(10))
  .optional();

export const catalogFiltersInput = z.object({
  course_domain: taxonomyFilterSchema,
  course_level: taxonomyFilterSchema,
  audience_type: taxonomyFilterSchema,
  /** Accent- and case-insensitive, over FR and EN titles and descriptions; ranked by relevance. */
  search: z.string().trim().max(100).optional(),
});
export type CatalogFilters = z.infer<typeof catalogFiltersInput>;

export const catalogCoursesInput = pageQuerySchema.extend(catalogFiltersInput.shape);
export type CatalogCoursesInput = z.infer<typeof catalogCoursesInput>;
/** The REST query: the tRPC input plus `?fields=`. */

export const catalogCourseTaxonomySchema = z.object({
  domain: z.array(z.string()),
  level: z.array(z.string()),
  audience: z.array(z.string()),
});

/** The id, slug and bilingual texts of a course or curriculum: the resolved one, then both stored values. */
const catalogTitledShape = {
  id: z.uuid(),
  slug: z.string(),
  title: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  description: z.string().nullable(),
  description_fr: z.string().nullable(),
  description_en: z.string().nullable(),
};

export const catalogCourseSchema = z.object({
  ...catalogTitledShape,
  cover_image_url: z.string().nullable(),
  /** 0 = free. */
  price_credits: z.number().int(),
  estimated_hours: z.number().int(),
  module_count: z.number().int(),
  languages: z.array(languageSchema),
  /** Slugs of the course's active categories; labels come from /courses/taxonomy. */
  taxonomy: catalogCourseTaxonomySchema,
  /** Only for a signed-in caller: enrolled and not dropped. */
  is_enrolled: z.boolean().optional(),
  updated_at: z.iso.datetime(),
});
export type CatalogCourse = z.infer<typeof catalogCourseSchema>;

/** The names `?fields=` accepts on catalog courses. */
export const CATALOG_COURSE_FIELDS = Object.keys(catalogCourseSchema.shape) as readonly (keyof CatalogCourse)[];

export const enrollmentSchema = z.object({
  course_id: z.uuid(),
  status: enrollmentStatusSchema,
  /** 0–100. */
  completion_pct: z.number(),
  enrolled_at: z.iso.datetime(),
  completed_at: z.iso.datetime().nullable(),
  dropped_at: z.iso.datetime().nullable(),
  updated_at: z.iso.datetime(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

export const catalogModuleSummarySchema = z.object({
  id: z.uuid(),
  module_number: z.number().int(),
  title: z.string(),
  title_fr: z.string(),
  title_en: z.string(),
  level: z.number().int(),
  estimated_hours: z.number().int(),
  unit_count: z.number().int(),
});

export const courseDetailSchema = catalogCourseSchema.extend({
  /** `archived` only reaches learners who were enrolled before archiving. */
  status: z.enum(["draft", "published", "archived"]),
  modules: z.array(catalogModuleSummarySchema),
  /** The caller's enrollment, null when not enrolled or not signed in. */
  enrollment: enrollmentSchema.nullable(),
});
export type CourseDetail = z.infer<typeof courseDetailSchema>;
export const COURSE_DETAIL_FIELDS = Object.keys(courseDetailSchema.shape) as readonly (keyof CourseDetail)[];

// ── Enrollments ─────────────────────────────────────────────────────────────────────────────────

export const enrollmentCourseSummarySchema = catalogCourseSchema
  .pick({
    id: true,
    slug: true,
    title: true,
    title_fr: true,
    title_en: true,
    cover_image_url: true,
    estimated_hours: true,
    module_count: true,
  })
  .extend({ status: z.enum(["draft", "published", "archived"]) });

export const myEnrollmentSchema = enrollmentSchema.extend({ course: enrollmentCourseSummarySchema });
export type MyEnrollment = z.infer<typeof myEnrollmentSchema>;

// ── Curricula ───────────────────────────────────────────────────────────────────────────────────

export const catalogCurriculumSchema = z.object({
  ...catalogTitledShape,
  visibility: z.enum(["public", "private"]),
  /** Courses in it that the caller may see. */
  course_count: z.number().int(),
  updated_at: z.iso.datetime(),
});
export type CatalogCurriculum = z.infer<typeof catalogCurriculumSchema>;
export const CATALOG_CURRICULUM_FIELDS = Object.keys(
  catalogCurriculumSchema.shape,
) as readonly (keyof CatalogCurriculum)[];

export const curriculumDetailSchema = catalogCurriculumSchema.extend({
  /** The visible courses, in the curriculum's order. */
  courses: z.array(catalogCourseSchema.extend({ sort_order: z.number().int() })),
});
export type CurriculumDetail = z.infer<typeof curriculumDetailSchema>;
