/** Reading courses in the back office: every status, through manageableCourses, newest change first. */
import { type AdminCourse, type AdminCourseListQuery, AppError, type Language } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { manageableCourses } from "../../access/readable.ts";
import { manageableCoursesSql } from "../../access/sql.ts";
import { pageArgs } from "../../sync.ts";
import { isUuid } from "../../uuid.ts";
import { foldedLikeText } from "../curricula/common.ts";
import { adminCourseInclude, toAdminCourse } from "./shape.ts";

/**
 * Ids of courses whose FR or EN title contains `search`, ignoring accents and case. The expression
 * is the one `courses_title_trgm_idx` indexes, so the trigram index serves the LIKE.
 */
async function idsMatchingTitle(db: Db, viewer: Viewer, search: string): Promise<string[]> {
  // Only the viewer's courses: an expert's search must not cost a scan of everyone's matches.
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM courses
     WHERE sira_search_normalize(title_fr || ' ' || title_en) LIKE '%' || ${foldedLikeText(search)} || '%'
       AND ${manageableCoursesSql(viewer, "courses")}`;
  return rows.map((r) => r.id);
}

async function listFilter(db: Db, viewer: Viewer, query: AdminCourseListQuery): Promise<Prisma.CourseWhereInput> {
  const filters: Prisma.CourseWhereInput[] = [manageableCourses(viewer)];
  if (query.status) filters.push({ status: query.status });
  if (query.visibility) filters.push({ visibility: query.visibility });
  if (query.expert_id) filters.push({ expertId: query.expert_id });
  if (query.taxonomy) {
    const category = isUuid(query.taxonomy) ? { id: query.taxonomy } : { slug: query.taxonomy };
    filters.push({ taxonomyCategories: { some: { category } } });
  }
  if (query.search) filters.push({ id: { in: await idsMatchingTitle(db, viewer, query.search) } });
  return { AND: filters };
}

/**
 * One page of the courses the viewer manages (admins: all; experts: their own), filtered by
 * status, visibility, title search, expert and taxonomy category, most recently changed first.
 * A fixed number of statements whatever the page size.
 */
export async function listAdminCourses(
  db: Db,
  viewer: Viewer,
  query: AdminCourseListQuery,
  lang: Language,
): Promise<{ items: AdminCourse[]; total: number }> {
  const where = await listFilter(db, viewer, query);
  const [total, rows] = await Promise.all([
    db.course.count({ where }),
    db.course.findMany({
      where,
      include: adminCourseInclude,
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      ...pageArgs(query),
    }),
  ]);
  return { items: rows.map((row) => toAdminCourse(row, lang)), total };
}

/** One course the viewer manages; 404 when it does not exist or is someone else's. */
export async function getAdminCourse(db: Db, viewer: Viewer, id: string, lang: Language): Promise<AdminCourse> {
  const row = await db.course.findFirst({
    where: { AND: [manageableCourses(viewer), { id }] },
    include: adminCourseInclude,
  });
  if (!row) throw new AppError("NOT_FOUND");
  return toAdminCourse(row, lang);
}
