/**
 * The course catalog and course detail. Every read starts from the access filters of
 * `access/readable.ts`: what a caller may not see is indistinguishable from what does not exist.
 */
import {
  AppError,
  type CatalogCourse,
  type CatalogCoursesInput,
  type CourseDetail,
  type Language,
} from "@sira/contracts";
import type { Prisma, Tx } from "@sira/infra/db";
import type { MaybeViewer } from "../access/actor.ts";
import { LIVE_ENROLLMENT } from "../access/learner.ts";
import { readableCourses } from "../access/readable.ts";
import { inLanguage } from "../bilingual.ts";
import { pageArgs } from "../sync.ts";
import { catalogCardPage, catalogWhereSql } from "./card-page.ts";
import { searchPublishedCourseIds } from "./search.ts";
import {
  byIdOrSlug,
  COURSE_CARD_SELECT,
  type CourseCardRow,
  ENROLLMENT_SELECT,
  toCatalogCourse,
  toEnrollment,
} from "./shape.ts";

/** One page of course cards and the total that match. */
export interface CatalogPage {
  items: CatalogCourse[];
  total: number;
}

/** Ids among `courseIds` that the viewer is enrolled in (not dropped); undefined when anonymous. */
export async function enrolledCourseIds(
  db: Tx,
  viewer: MaybeViewer,
  courseIds: string[],
): Promise<Set<string> | undefined> {
  if (!viewer) return undefined;
  if (courseIds.length === 0) return new Set();
  const rows = await db.userCourseEnrollment.findMany({
    where: { userId: viewer.userId, courseId: { in: courseIds }, ...LIVE_ENROLLMENT },
    select: { courseId: true },
  });
  return new Set(rows.map((r) => r.courseId));
}

/** Cards for rows already loaded, with `is_enrolled` for a signed-in viewer (one batched query). */
export async function toCatalogCourses(
  db: Tx,
  viewer: MaybeViewer,
  rows: CourseCardRow[],
  lang: Language,
): Promise<CatalogCourse[]> {
  const enrolled = await enrolledCourseIds(
    db,
    viewer,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toCatalogCourse(r, lang, enrolled ? enrolled.has(r.id) : undefined));
}

/**
 * One page of the published courses the viewer may see, filtered by taxonomy slugs and ranked by
 * `search` when given (newest first otherwise). A bounded number of statements whatever the page size.
 */
export async function listCatalogCourses(
  db: Tx,
  viewer: MaybeViewer,
  input: CatalogCoursesInput,
  lang: Language,
): Promise<CatalogPage> {
  const { skip, take } = pageArgs(input);
  const filters = { domain: input.course_domain, level: input.course_level, audience: input.audience_type };
  if (!input.search) return catalogCardPage(db, viewer, filters, { skip, take }, lang);

  // Ranked among what the viewer may see and asked for, so the match cap counts only those.
  const ranked = await searchPublishedCourseIds(db, input.search, catalogWhereSql(viewer, filters));
  const ordered = ranked.map((r) => r.id);
  const pageIds = ordered.slice(skip, skip + take);
  if (pageIds.length === 0) return { items: [], total: ordered.length };
  const rows = await db.course.findMany({ where: { id: { in: pageIds } }, select: COURSE_CARD_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pageRows = pageIds.flatMap((id) => byId.get(id) ?? []);
  return { items: await toCatalogCourses(db, viewer, pageRows, lang), total: ordered.length };
}

const DETAIL_SELECT = {
  ...COURSE_CARD_SELECT,
  status: true,
  modules: {
    orderBy: { moduleNumber: "asc" },
    select: {
      id: true,
      moduleNumber: true,
      titleFr: true,
      titleEn: true,
      level: true,
      estimatedHours: true,
      _count: { select: { units: true } },
    },
  },
} satisfies Prisma.CourseSelect;

/** A course the viewer may open, by id or slug; NOT_FOUND otherwise (never FORBIDDEN). */
export async function findReadableCourse(db: Tx, viewer: MaybeViewer, idOrSlug: string) {
  const course = await db.course.findFirst({
    where: { AND: [readableCourses(viewer), byIdOrSlug(idOrSlug)] },
    select: { id: true, status: true, priceCredits: true },
  });
  if (!course) throw new AppError("NOT_FOUND");
  return course;
}

/** The course detail: card, modules summarised, and the viewer's enrollment state. */
export async function getCourseDetail(
  db: Tx,
  viewer: MaybeViewer,
  idOrSlug: string,
  lang: Language,
): Promise<CourseDetail> {
  const row = await db.course.findFirst({
    where: { AND: [readableCourses(viewer), byIdOrSlug(idOrSlug)] },
    select: DETAIL_SELECT,
  });
  if (!row) throw new AppError("NOT_FOUND");
  const enrollment = viewer
    ? await db.userCourseEnrollment.findUnique({
        where: { userId_courseId: { userId: viewer.userId, courseId: row.id } },
        select: ENROLLMENT_SELECT,
      })
    : null;
  const live = enrollment ? enrollment.status !== "dropped" : false;
  return {
    ...toCatalogCourse(row, lang, viewer ? live : undefined),
    status: row.status === "draft" || row.status === "archived" ? row.status : "published",
    modules: row.modules.map((m) => ({
      id: m.id,
      module_number: m.moduleNumber,
      title: inLanguage(lang, m.titleFr, m.titleEn),
      title_fr: m.titleFr,
      title_en: m.titleEn,
      level: m.level,
      estimated_hours: m.estimatedHours,
      unit_count: m._count.units,
    })),
    enrollment: enrollment ? toEnrollment(enrollment) : null,
  };
}
