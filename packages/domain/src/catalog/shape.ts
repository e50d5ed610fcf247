/**
 * Catalog rows as the API shows them: bilingual texts resolved to the request's language (falling
 * back to the other one when a translation is missing), and the small course card the lists use.
 */
import type { CatalogCourse, Enrollment, Language } from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";
import { courseLanguages } from "../bilingual.ts";
import { catalogTitled, TITLED_SELECT } from "../titled.ts";
import { isUuid } from "../uuid.ts";

/** Matches a course or curriculum by id when the key is a UUID (never by slug then), else by slug. */
export function byIdOrSlug(key: string): { id: string } | { slug: string } {
  return isUuid(key) ? { id: key.toLowerCase() } : { slug: key };
}

/** What a course card needs, selected in the same statement as the course. */
export const COURSE_CARD_SELECT = {
  ...TITLED_SELECT,
  coverImageUrl: true,
  priceCredits: true,
  estimatedHours: true,
  moduleCount: true,
  languages: true,
  updatedAt: true,
  taxonomyCategories: {
    where: { category: { isActive: true } },
    select: { category: { select: { type: true, slug: true, sortOrder: true } } },
  },
} satisfies Prisma.CourseSelect;

/** A course row loaded with COURSE_CARD_SELECT. */
export type CourseCardRow = Prisma.CourseGetPayload<{ select: typeof COURSE_CARD_SELECT }>;

function taxonomyOf(row: CourseCardRow): CatalogCourse["taxonomy"] {
  const out: CatalogCourse["taxonomy"] = { domain: [], level: [], audience: [] };
  const sorted = row.taxonomyCategories
    .map((t) => t.category)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.slug.localeCompare(b.slug));
  for (const c of sorted) if (c.type in out) out[c.type as keyof typeof out].push(c.slug);
  return out;
}

/** The course card; `enrolled` is undefined for anonymous callers, so the field is left out. */
export function toCatalogCourse(row: CourseCardRow, lang: Language, enrolled: boolean | undefined): CatalogCourse {
  return {
    ...catalogTitled(row, lang),
    cover_image_url: row.coverImageUrl,
    price_credits: row.priceCredits,
    estimated_hours: row.estimatedHours,
    module_count: row.moduleCount,
    languages: courseLanguages(row.languages),
    taxonomy: taxonomyOf(row),
    ...(enrolled === undefined ? {} : { is_enrolled: enrolled }),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The enrollment columns the API shows. */
export const ENROLLMENT_SELECT = {
  courseId: true,
  status: true,
  completionPct: true,
  createdAt: true,
  completedAt: true,
  droppedAt: true,
  updatedAt: true,
} satisfies Prisma.UserCourseEnrollmentSelect;

/** An enrollment row loaded with ENROLLMENT_SELECT. */
export type EnrollmentRow = Prisma.UserCourseEnrollmentGetPayload<{ select: typeof ENROLLMENT_SELECT }>;

/** An enrollment row as the API shows it. */
export function toEnrollment(row: EnrollmentRow): Enrollment {
  return {
    course_id: row.courseId,
    status: row.status === "completed" || row.status === "dropped" ? row.status : "active",
    completion_pct: row.completionPct,
    enrolled_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    dropped_at: row.droppedAt?.toISOString() ?? null,
    updated_at: row.updatedAt.toISOString(),
  };
}
