/** Catalog rows for the catalog and access-matrix tests, written with Prisma directly. */
import type { AppDeps } from "../src/app-types.ts";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface CourseFixture {
  id?: string;
  slug?: string;
  titleFr?: string;
  titleEn?: string;
  descriptionFr?: string | null;
  descriptionEn?: string | null;
  status?: "draft" | "published" | "archived";
  visibility?: "public" | "private";
  priceCredits?: number;
  expertId?: string;
  createdById?: string;
  publishedAt?: Date;
  modules?: number;
  unitsPerModule?: number;
  taxonomy?: string[];
}

/** A course (published and public unless told), with `modules` modules of `unitsPerModule` units. */
export async function makeCourse(deps: AppDeps, input: CourseFixture = {}): Promise<{ id: string; slug: string }> {
  const slug = input.slug ?? unique("course");
  const modules = input.modules ?? 0;
  const row = await deps.db.course.create({
    data: {
      ...(input.id ? { id: input.id } : {}),
      slug,
      titleFr: input.titleFr ?? `Cours ${slug}`,
      titleEn: input.titleEn ?? `Course ${slug}`,
      descriptionFr: input.descriptionFr === undefined ? `Description du cours ${slug}` : input.descriptionFr,
      descriptionEn: input.descriptionEn === undefined ? `Description of course ${slug}` : input.descriptionEn,
      status: input.status ?? "published",
      visibility: input.visibility ?? "public",
      priceCredits: input.priceCredits ?? 0,
      expertId: input.expertId ?? null,
      createdById: input.createdById ?? null,
      moduleCount: modules,
      publishedAt: input.publishedAt ?? (input.status === "draft" ? null : new Date()),
      modules: {
        create: Array.from({ length: modules }, (_, i) => ({
          moduleNumber: i + 1,
          level: Math.min(4, i + 1),
          titleFr: `Module ${i + 1} (FR)`,
          titleEn: `Module ${i + 1} (EN)`,
          descriptionFr: "Description",
          descriptionEn: "Description",
          estimatedHours: 2 + i,
          bloomLevel: "understand",
          units: {
            create: Array.from({ length: input.unitsPerModule ?? 0 }, (_, u) => ({
              unitNumber: u + 1,
              unitType: "lesson",
              titleFr: `Leçon ${u + 1}`,
              titleEn: `Lesson ${u + 1}`,
            })),
          },
        })),
      },
    },
    select: { id: true, slug: true },
  });
  if (input.taxonomy?.length) {
    const categories = await deps.db.taxonomyCategory.findMany({ where: { slug: { in: input.taxonomy } } });
    await deps.db.courseTaxonomy.createMany({
      data: categories.map((c) => ({ courseId: row.id, categoryId: c.id })),
    });
  }
  return row;
}

/** A curriculum (published and public unless told) holding `courseIds` in that order. */
export async function makeCurriculum(
  deps: AppDeps,
  courseIds: string[],
  input: {
    slug?: string;
    titleFr?: string;
    titleEn?: string;
    status?: "draft" | "published" | "archived";
    visibility?: "public" | "private";
  } = {},
): Promise<{ id: string; slug: string }> {
  const slug = input.slug ?? unique("curriculum");
  return deps.db.curriculum.create({
    data: {
      slug,
      titleFr: input.titleFr ?? `Parcours ${slug}`,
      titleEn: input.titleEn ?? `Curriculum ${slug}`,
      descriptionFr: "Un parcours",
      descriptionEn: "A curriculum",
      status: input.status ?? "published",
      visibility: input.visibility ?? "public",
      courses: { create: courseIds.map((courseId, i) => ({ courseId, sortOrder: (i + 1) * 10 })) },
    },
    select: { id: true, slug: true },
  });
}

/** Grants a user direct access to a curriculum. */
export async function grantUser(deps: AppDeps, curriculumId: string, userId: string): Promise<void> {
  await deps.db.curriculumAccess.create({ data: { curriculumId, userId } });
}

/** A new group holding `userIds`, granted access to the curriculum. */
export async function grantGroup(deps: AppDeps, curriculumId: string, userIds: string[]): Promise<string> {
  const group = await deps.db.userGroup.create({
    data: { name: unique("group"), members: { create: userIds.map((userId) => ({ userId })) } },
  });
  await deps.db.curriculumAccess.create({ data: { curriculumId, groupId: group.id } });
  return group.id;
}

/** The standard taxonomy: two domains, two levels, one audience, and an inactive domain. */
export async function makeTaxonomy(deps: AppDeps): Promise<void> {
  await deps.db.taxonomyCategory.createMany({
    data: [
      { type: "domain", slug: "sante-publique", labelFr: "Santé publique", labelEn: "Public health", sortOrder: 1 },
      { type: "domain", slug: "agriculture", labelFr: "Agriculture", labelEn: "Agriculture", sortOrder: 2 },
      { type: "domain", slug: "ancien", labelFr: "Ancien", labelEn: "Old", sortOrder: 0, isActive: false },
      { type: "level", slug: "avance", labelFr: "Avancé", labelEn: "Advanced", sortOrder: 3 },
      { type: "level", slug: "debutant", labelFr: "Débutant", labelEn: "Beginner", sortOrder: 1 },
      { type: "audience", slug: "etudiants", labelFr: "Étudiants", labelEn: "Students", sortOrder: 1 },
    ],
  });
}

/** Records that the user bought the course, as the ledger would. */
export async function purchaseCourse(deps: AppDeps, userId: string, courseId: string, price: number): Promise<void> {
  const account = await deps.db.creditAccount.upsert({
    where: { userId },
    create: { userId, balance: 0, totalSpent: price },
    update: {},
  });
  await deps.db.transaction.create({
    data: {
      accountId: account.id,
      type: "course_purchase",
      amount: -price,
      balanceAfter: 0,
      courseId,
      idempotencyKey: `course_purchase:${courseId}`,
    },
  });
}
