/**
 * The public curricula: the published ones the viewer may see, and one curriculum with the
 * courses in it that the viewer may see, in the curriculum's order. A private curriculum without
 * access is indistinguishable from one that does not exist.
 */
import { AppError, type CatalogCurriculum, type CurriculumDetail, type Language } from "@sira/contracts";
import type { Prisma, Tx } from "@sira/infra/db";
import type { MaybeViewer } from "../access/actor.ts";
import { catalogCourses, readableCurricula } from "../access/readable.ts";
import { pageArgs } from "../sync.ts";
import { catalogTitled, TITLED_SELECT } from "../titled.ts";
import { toCatalogCourses } from "./courses.ts";
import { byIdOrSlug, COURSE_CARD_SELECT } from "./shape.ts";

function curriculumSelect(viewer: MaybeViewer) {
  return {
    ...TITLED_SELECT,
    visibility: true,
    updatedAt: true,
    _count: { select: { courses: { where: { course: catalogCourses(viewer) } } } },
  } satisfies Prisma.CurriculumSelect;
}

type CurriculumRow = Prisma.CurriculumGetPayload<{ select: ReturnType<typeof curriculumSelect> }>;

function toCatalogCurriculum(row: CurriculumRow, lang: Language): CatalogCurriculum {
  return {
    ...catalogTitled(row, lang),
    visibility: row.visibility === "private" ? "private" : "public",
    course_count: row._count.courses,
    updated_at: row.updatedAt.toISOString(),
  };
}

/** One page of the published curricula the viewer may see, by title in the request's language. */
export async function listCatalogCurricula(
  db: Tx,
  viewer: MaybeViewer,
  query: { page: number; limit: number },
  lang: Language,
): Promise<{ items: CatalogCurriculum[]; total: number }> {
  // readableCurricula lets admins preview drafts; the catalog itself lists published ones only.
  const where: Prisma.CurriculumWhereInput = { AND: [readableCurricula(viewer), { status: "published" }] };
  const [total, rows] = await Promise.all([
    db.curriculum.count({ where }),
    db.curriculum.findMany({
      where,
      orderBy: [lang === "en" ? { titleEn: "asc" } : { titleFr: "asc" }, { id: "asc" }],
      ...pageArgs(query),
      select: curriculumSelect(viewer),
    }),
  ]);
  return { items: rows.map((r) => toCatalogCurriculum(r, lang)), total };
}

/** A curriculum by slug (or id) with its visible courses in `sort_order`; NOT_FOUND when hidden. */
export async function getCurriculumDetail(
  db: Tx,
  viewer: MaybeViewer,
  slug: string,
  lang: Language,
): Promise<CurriculumDetail> {
  const row = await db.curriculum.findFirst({
    where: { AND: [readableCurricula(viewer), byIdOrSlug(slug)] },
    select: {
      ...curriculumSelect(viewer),
      courses: {
        where: { course: catalogCourses(viewer) },
        orderBy: [{ sortOrder: "asc" }, { courseId: "asc" }],
        select: { sortOrder: true, course: { select: COURSE_CARD_SELECT } },
      },
    },
  });
  if (!row) throw new AppError("NOT_FOUND");
  const cards = await toCatalogCourses(
    db,
    viewer,
    row.courses.map((c) => c.course),
    lang,
  );
  return {
    ...toCatalogCurriculum(row, lang),
    courses: cards.map((card, i) => ({ ...card, sort_order: row.courses[i]?.sortOrder ?? i })),
  };
}
