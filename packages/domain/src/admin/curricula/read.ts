/** The back office's view of curricula: every status, with counts, courses in order and grants. */
import {
  ADMIN_CURRICULUM_DETAIL_GRANTS,
  type AdminCurriculaQuery,
  type AdminCurriculum,
  type AdminCurriculumDetail,
  type AdminCurriculumGrant,
  AppError,
  type Language,
  type PageQuery,
} from "@sira/contracts";
import type { Prisma, Tx } from "@sira/infra/db";
import { inLanguage } from "../../bilingual.ts";
import { pageArgs } from "../../sync.ts";
import { adminTitled, TITLED_SELECT } from "../../titled.ts";
import type { Listed } from "./common.ts";

export const CURRICULUM_SELECT = {
  ...TITLED_SELECT,
  status: true,
  visibility: true,
  publishedAt: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { courses: true, access: true } },
} satisfies Prisma.CurriculumSelect;
type CurriculumRow = Prisma.CurriculumGetPayload<{ select: typeof CURRICULUM_SELECT }>;

export const GRANT_SELECT = {
  id: true,
  grantedById: true,
  createdAt: true,
  user: { select: { id: true, email: true, name: true } },
  group: { select: { id: true, name: true, _count: { select: { members: true } } } },
} satisfies Prisma.CurriculumAccessSelect;
type GrantRow = Prisma.CurriculumAccessGetPayload<{ select: typeof GRANT_SELECT }>;

/** The API shape of a curriculum row, with the title resolved to `lang`. */
export function toAdminCurriculum(row: CurriculumRow, lang: Language): AdminCurriculum {
  return {
    ...adminTitled(row, lang),
    status: row.status as AdminCurriculum["status"],
    visibility: row.visibility as AdminCurriculum["visibility"],
    course_count: row._count.courses,
    grant_count: row._count.access,
    published_at: row.publishedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The API shape of a grant. */
export function toAdminGrant(row: GrantRow): AdminCurriculumGrant {
  return {
    id: row.id,
    kind: row.user ? "user" : "group",
    user: row.user ? { id: row.user.id, email: row.user.email, name: row.user.name } : null,
    group: row.group ? { id: row.group.id, name: row.group.name, member_count: row.group._count.members } : null,
    granted_by: row.grantedById,
    created_at: row.createdAt.toISOString(),
  };
}

/** Ids of curricula whose slug or titles contain `search`, accents and case ignored. */
async function matchingIds(db: Tx, search: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM curricula
    WHERE strpos(sira_search_normalize(slug || ' ' || title_fr || ' ' || title_en), sira_search_normalize(${search})) > 0`;
  return rows.map((r) => r.id);
}

/** Every curriculum (all statuses), filtered and paginated, newest change first: 2–3 statements. */
export async function listCurriculaForAdmin(
  db: Tx,
  query: AdminCurriculaQuery,
  lang: Language,
): Promise<Listed<AdminCurriculum>> {
  const where: Prisma.CurriculumWhereInput = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.visibility ? { visibility: query.visibility } : {}),
    ...(query.search ? { id: { in: await matchingIds(db, query.search) } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.curriculum.findMany({
      where,
      select: CURRICULUM_SELECT,
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    db.curriculum.count({ where }),
  ]);
  return { items: rows.map((r) => toAdminCurriculum(r, lang)), total };
}

/**
 * One curriculum with its courses in order and its newest grants (`grant_count` counts them all;
 * GET /{id}/access pages through them); 404 when it does not exist.
 */
export async function getCurriculumForAdmin(db: Tx, id: string, lang: Language): Promise<AdminCurriculumDetail> {
  const row = await db.curriculum.findUnique({
    where: { id },
    select: {
      ...CURRICULUM_SELECT,
      courses: {
        orderBy: [{ sortOrder: "asc" }, { courseId: "asc" }],
        select: {
          sortOrder: true,
          course: { select: { id: true, slug: true, titleFr: true, titleEn: true, status: true, visibility: true } },
        },
      },
      access: {
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: ADMIN_CURRICULUM_DETAIL_GRANTS,
        select: GRANT_SELECT,
      },
    },
  });
  if (!row) throw new AppError("NOT_FOUND");
  return {
    ...toAdminCurriculum(row, lang),
    courses: row.courses.map(({ sortOrder, course }) => ({
      id: course.id,
      slug: course.slug,
      title_fr: course.titleFr,
      title_en: course.titleEn,
      title: inLanguage(lang, course.titleFr, course.titleEn),
      status: course.status,
      visibility: course.visibility,
      sort_order: sortOrder,
    })),
    grants: row.access.map(toAdminGrant),
  };
}

/** A curriculum's grants, oldest first, paginated; 404 when the curriculum does not exist. */
export async function listCurriculumGrants(
  db: Tx,
  curriculumId: string,
  query: PageQuery,
): Promise<Listed<AdminCurriculumGrant>> {
  const where = { curriculumId };
  const [exists, rows, total] = await Promise.all([
    db.curriculum.findUnique({ where: { id: curriculumId }, select: { id: true } }),
    db.curriculumAccess.findMany({
      where,
      select: GRANT_SELECT,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    db.curriculumAccess.count({ where }),
  ]);
  if (!exists) throw new AppError("NOT_FOUND");
  return { items: rows.map(toAdminGrant), total };
}
