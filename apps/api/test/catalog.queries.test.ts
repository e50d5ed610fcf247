/**
 * Bounded SQL: every catalog list sends the same small number of statements for a page of 5 as for
 * a page of 50 (no N+1), counted through Prisma's query events. The ceilings are today's counts:
 * Prisma loads each nested relation (taxonomy links, then categories) with one batched statement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
afterAll(closeTestDeps);

const COUNT = 60;
let learner: SignedIn;
let curriculumSlug: string;

beforeAll(async () => {
  await resetState();
  learner = await signIn(deps);
  await deps.db.taxonomyCategory.createMany({
    data: [
      { type: "domain", slug: "sante", labelFr: "Santé", labelEn: "Health" },
      { type: "level", slug: "debutant", labelFr: "Débutant", labelEn: "Beginner" },
    ],
  });
  const categories = await deps.db.taxonomyCategory.findMany();
  await deps.db.course.createMany({
    data: Array.from({ length: COUNT }, (_, i) => ({
      slug: `sante-${i}`,
      titleFr: `Santé communautaire ${i}`,
      titleEn: `Community health ${i}`,
      descriptionFr: "Prévention et soins",
      descriptionEn: "Prevention and care",
      status: "published",
      publishedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
    })),
  });
  const courses = await deps.db.course.findMany({ select: { id: true } });
  await deps.db.courseTaxonomy.createMany({
    data: courses.flatMap((c) => categories.map((cat) => ({ courseId: c.id, categoryId: cat.id }))),
  });
  await deps.db.module.createMany({
    data: courses.map((c) => ({
      courseId: c.id,
      moduleNumber: 1,
      level: 1,
      titleFr: "M",
      titleEn: "M",
      descriptionFr: "D",
      descriptionEn: "D",
      estimatedHours: 1,
      bloomLevel: "understand",
    })),
  });
  // One enrolment at a time, as learners enrol: each its own change time.
  await deps.db.userCourseEnrollment.createMany({
    data: courses.map((c, i) => ({
      userId: learner.userId,
      courseId: c.id,
      updatedAt: new Date(Date.UTC(2026, 1, 1, 0, i)),
    })),
  });
  await deps.db.curriculum.createMany({
    data: Array.from({ length: COUNT }, (_, i) => ({
      slug: `parcours-${i}`,
      titleFr: `Parcours ${i}`,
      titleEn: `Track ${i}`,
      status: "published",
    })),
  });
  const first = await deps.db.curriculum.findFirstOrThrow({ where: { slug: "parcours-0" } });
  curriculumSlug = first.slug;
  await deps.db.curriculumCourse.createMany({
    data: courses.map((c, i) => ({ curriculumId: first.id, courseId: c.id, sortOrder: i })),
  });
});

/** Statements sent for one request, after checking it answered 200 with `expected` items. */
async function statements(path: string, headers: Record<string, string>, expected: number): Promise<number> {
  let items = -1;
  const n = await countQueries(deps, async () => {
    const res = await app.request(path, { headers });
    expect(res.status, path).toBe(200);
    const body = (await res.json()) as { items?: unknown[]; courses?: unknown[] };
    items = (body.items ?? body.courses ?? []).length;
  });
  expect(items, path).toBe(expected);
  return n;
}

const LISTS: { name: string; path: (limit: number) => string; signedIn: boolean; max: number }[] = [
  { name: "GET /courses (anonymous)", path: (l) => `/api/v1/courses?limit=${l}`, signedIn: false, max: 4 },
  { name: "GET /courses (signed in)", path: (l) => `/api/v1/courses?limit=${l}`, signedIn: true, max: 5 },
  {
    name: "GET /courses?search= (signed in)",
    path: (l) => `/api/v1/courses?limit=${l}&search=sante&course_level=debutant`,
    signedIn: true,
    max: 6,
  },
  { name: "GET /curricula", path: (l) => `/api/v1/curricula?limit=${l}`, signedIn: true, max: 2 },
  {
    name: "GET /courses/my-enrollments",
    path: (l) => `/api/v1/courses/my-enrollments?limit=${l}`,
    signedIn: true,
    // With the sync horizon: a full page hands out a cursor too.
    max: 4,
  },
  {
    name: "GET /courses/my-enrollments?since=",
    path: (l) => `/api/v1/courses/my-enrollments?limit=${l}&since=2026-01-01T00:00:00Z`,
    signedIn: true,
    // The sync horizon, the changes, the tombstones.
    max: 4,
  },
];

describe("bounded SQL per list endpoint", () => {
  it.each(LISTS)("$name: the same statements for 5 and 50 items", async ({ path, signedIn, max }) => {
    const headers = signedIn ? learner.headers : {};
    const small = await statements(path(5), headers, 5);
    const large = await statements(path(50), headers, 50);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(max);
  });

  it("GET /curricula/{slug}: the same statements for 60 courses in it as for 1", async () => {
    const small = await statements(`/api/v1/curricula/${curriculumSlug}`, learner.headers, COUNT);
    const course = await deps.db.course.findFirstOrThrow({ where: { slug: "sante-0" } });
    // Fewer visible courses in the curriculum must not change the count either.
    await deps.db.course.updateMany({ where: { slug: { not: course.slug } }, data: { status: "archived" } });
    try {
      const one = await statements(`/api/v1/curricula/${curriculumSlug}`, learner.headers, 1);
      expect(one).toBe(small);
      expect(small).toBeLessThanOrEqual(6);
    } finally {
      await deps.db.course.updateMany({ data: { status: "published" } });
    }
  });
});
