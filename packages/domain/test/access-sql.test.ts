/**
 * The access rules have two forms: Prisma filters (readable.ts, learner.ts) for most reads, and SQL
 * conditions (sql.ts) for the hot reads that skip the ORM. For every kind of viewer, over courses in
 * every state the product reaches (drafts, archives, private curricula granted directly or through
 * a group, grants withdrawn, curricula archived, enrollments live, completed and dropped), both
 * forms must select exactly the same courses, and the SQL content check (assertCanReadCourse) must
 * open, refuse (403) or hide (404) each course as the Prisma filters say.
 */
import type { AppError } from "@sira/contracts";
import { createDb, type Prisma } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../src/access/actor.ts";
import { assertCanReadCourse } from "../src/access/course-access.ts";
import { learnableCourses } from "../src/access/learner.ts";
import { catalogCourses, grantStillHolds, manageableCourses, readableCourses } from "../src/access/readable.ts";
import {
  catalogCoursesSql,
  grantStillHoldsSql,
  learnableCoursesSql,
  manageableCoursesSql,
  readableCoursesSql,
} from "../src/access/sql.ts";
import { enrollInCourse, unenrollFromCourse } from "../src/catalog/enrollment.ts";
import { makeUser } from "./fixtures/users.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url });
afterAll(() => db.$disconnect());

const KINDS = ["learner", "direct", "group", "enrolled", "owner", "creator", "expert", "admin"] as const;
type Kind = (typeof KINDS)[number];
const viewers = {} as Record<Kind, Viewer>;
const courseIds: string[] = [];
let counter = 0;

async function course(status: "draft" | "published" | "archived", visibility: "public" | "private"): Promise<string> {
  const slug = `access-${counter++}`;
  const row = await db.course.create({
    data: {
      slug,
      titleFr: slug,
      titleEn: slug,
      status,
      visibility,
      expertId: viewers.owner.userId,
      createdById: viewers.creator.userId,
      publishedAt: status === "draft" ? null : new Date(),
    },
  });
  courseIds.push(row.id);
  return row.id;
}

/** A curriculum of `status` holding the courses, granted to `direct` and to a group holding `group` and `enrolled`. */
async function grantedCurriculum(status: "draft" | "published" | "archived", ids: string[]): Promise<string> {
  const slug = `curriculum-${counter++}`;
  const row = await db.curriculum.create({
    data: {
      slug,
      titleFr: slug,
      titleEn: slug,
      status: "published",
      visibility: "private",
      courses: { create: ids.map((courseId, i) => ({ courseId, sortOrder: i })) },
    },
  });
  const group = await db.userGroup.create({
    data: { name: slug, members: { create: [{ userId: viewers.group.userId }, { userId: viewers.enrolled.userId }] } },
  });
  await db.curriculumAccess.createMany({
    data: [
      { curriculumId: row.id, userId: viewers.direct.userId },
      { curriculumId: row.id, groupId: group.id },
    ],
  });
  if (status !== "published") await db.curriculum.update({ where: { id: row.id }, data: { status } });
  return row.id;
}

const enrollAll = async (courseId: string, kinds: Kind[]) => {
  for (const kind of kinds) await enrollInCourse(db, viewers[kind], courseId, new Date());
};

beforeAll(async () => {
  await truncateAll(url);
  for (const kind of KINDS) {
    const role = kind === "admin" ? "admin" : ["owner", "creator", "expert"].includes(kind) ? "expert" : "learner";
    viewers[kind] = { userId: await makeUser(db, role), role };
  }
  const everyone: Kind[] = ["learner", "direct", "group", "enrolled", "expert"];
  const granted: Kind[] = ["direct", "group", "enrolled"];

  // Public: published, draft, archived after learners joined, one of them dropped, one completed.
  await enrollAll(await course("published", "public"), everyone);
  await course("draft", "public");
  const archived = await course("published", "public");
  await enrollAll(archived, everyone);
  await unenrollFromCourse(db, viewers.learner, archived, new Date());
  await db.userCourseEnrollment.updateMany({
    where: { courseId: archived, userId: viewers.expert.userId },
    data: { status: "completed", completedAt: new Date() },
  });
  await db.course.update({ where: { id: archived }, data: { status: "archived" } });

  // Private: in a published curriculum (joined), then the same with the curriculum archived, with
  // the grant withdrawn from the direct learner, and private courses in draft or never granted.
  const open = await course("published", "private");
  await grantedCurriculum("published", [open]);
  await enrollAll(open, granted);
  const inArchived = await course("published", "private");
  const archivedCurriculum = await grantedCurriculum("published", [inArchived]);
  await enrollAll(inArchived, granted);
  await db.curriculum.update({ where: { id: archivedCurriculum }, data: { status: "archived" } });
  const withdrawn = await course("published", "private");
  const withdrawnCurriculum = await grantedCurriculum("published", [withdrawn]);
  await enrollAll(withdrawn, granted);
  await db.curriculumAccess.deleteMany({
    where: { curriculumId: withdrawnCurriculum, userId: viewers.direct.userId },
  });
  const archivedPrivate = await course("published", "private");
  await grantedCurriculum("published", [archivedPrivate]);
  await enrollAll(archivedPrivate, ["group"]);
  await db.course.update({ where: { id: archivedPrivate }, data: { status: "archived" } });
  await grantedCurriculum("draft", [await course("published", "private")]);
  await course("published", "private");
  await grantedCurriculum("published", [await course("draft", "private")]);
});

async function viaPrisma(where: Prisma.CourseWhereInput): Promise<string[]> {
  const rows = await db.course.findMany({ where: { AND: [where, { id: { in: courseIds } }] }, select: { id: true } });
  return rows.map((r) => r.id).sort();
}

async function viaSql(condition: Prisma.Sql): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM courses c WHERE c.id = ANY(${courseIds}::uuid[]) AND ${condition}`;
  return rows.map((r) => r.id).sort();
}

describe.each([...KINDS, "anonymous" as const])("as %s", (kind) => {
  const viewer = () => (kind === "anonymous" ? null : viewers[kind]);

  it("the catalog and readable courses agree", async () => {
    const catalog = await viaPrisma(catalogCourses(viewer()));
    expect(await viaSql(catalogCoursesSql(viewer()))).toEqual(catalog);
    const readable = await viaPrisma(readableCourses(viewer()));
    expect(await viaSql(readableCoursesSql(viewer()))).toEqual(readable);
    // The world is rich enough that the rules differ: what a reader sees beyond the catalog.
    if (kind === "direct" || kind === "group" || kind === "owner")
      expect(readable.length).toBeGreaterThan(catalog.length);
  });
});

describe.each(KINDS)("as %s, signed in", (kind) => {
  it("learnable courses and held grants agree", async () => {
    const signedIn = viewers[kind];
    const learnable = await viaPrisma(learnableCourses(signedIn));
    expect(await viaSql(learnableCoursesSql(signedIn))).toEqual(learnable);
    expect(await viaSql(grantStillHoldsSql(signedIn))).toEqual(await viaPrisma(grantStillHolds(signedIn)));
    if (kind === "admin") expect(learnable).toHaveLength(courseIds.length);
    if (kind === "learner") expect(learnable).toHaveLength(1); // the public course; dropped and never-granted ones out
  });

  it("assertCanReadCourse answers each course as the Prisma filters do: open, 403 or 404", async () => {
    const signedIn = viewers[kind];
    const learnable = new Set(await viaPrisma(learnableCourses(signedIn)));
    const readable = new Set(await viaPrisma(readableCourses(signedIn)));
    const expected = (id: string) =>
      signedIn.role === "admin" || learnable.has(id) ? "open" : readable.has(id) ? "NOT_ENROLLED" : "NOT_FOUND";
    const answer = (id: string) =>
      assertCanReadCourse(db, signedIn, id).then(
        () => "open",
        (error: AppError) => error.code,
      );
    for (const id of courseIds) expect([id, await answer(id)]).toEqual([id, expected(id)]);
    expect(await answer(crypto.randomUUID())).toBe(signedIn.role === "admin" ? "open" : "NOT_FOUND");
    expect(await answer("not-a-uuid")).toBe(signedIn.role === "admin" ? "open" : "NOT_FOUND");
  });

  it("manageable courses agree", async () => {
    const signedIn = viewers[kind];
    const manageable = await viaPrisma(manageableCourses(signedIn));
    expect(await viaSql(manageableCoursesSql(signedIn))).toEqual(manageable);
    if (kind === "owner" || kind === "creator") expect(manageable).toHaveLength(courseIds.length);
    if (kind === "learner" || kind === "expert") expect(manageable).toHaveLength(0);
  });
});
