/**
 * Catalog domain rules on the real database: the search uses the migration's indexes and folds
 * accents and case, the purchase hook, language fallback, and enrollment state changes.
 */
import { AppError } from "@sira/contracts";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enrollInCourse, hasCourseAccessPurchase, unenrollFromCourse } from "../src/catalog/enrollment.ts";
import { searchPublishedCourseIds } from "../src/catalog/search.ts";
import { byIdOrSlug } from "../src/catalog/shape.ts";
import { makeUser } from "./fixtures/users.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url, logQueries: true });
beforeEach(() => truncateAll(url));
afterAll(() => db.$disconnect());

async function course(slug: string, titleFr: string, titleEn: string, extra: { priceCredits?: number } = {}) {
  return db.course.create({
    data: {
      slug,
      titleFr,
      titleEn,
      descriptionFr: "Une description",
      descriptionEn: "A description",
      status: "published",
      priceCredits: extra.priceCredits ?? 0,
    },
  });
}

describe("searchPublishedCourseIds", () => {
  it("folds accents and case both ways", async () => {
    const a = await course("sante-publique", "Santé publique", "Public health");
    const b = await course("epidemio", "Épidémiologie de terrain", "Field epidemiology");
    expect((await searchPublishedCourseIds(db, "sante")).map((r) => r.id)).toEqual([a.id]);
    expect((await searchPublishedCourseIds(db, "SANTÉ")).map((r) => r.id)).toEqual([a.id]);
    expect((await searchPublishedCourseIds(db, "épidémiologie")).map((r) => r.id)).toEqual([b.id]);
    expect((await searchPublishedCourseIds(db, "EPIDEMIOLOGY")).map((r) => r.id)).toEqual([b.id]);
  });

  it("never returns unpublished courses", async () => {
    await db.course.create({ data: { slug: "brouillon", titleFr: "Santé brouillon", titleEn: "Draft health" } });
    expect(await searchPublishedCourseIds(db, "sante")).toEqual([]);
  });

  it("treats the search text as data, not SQL", async () => {
    await course("sante-publique", "Santé publique", "Public health");
    expect(await searchPublishedCourseIds(db, "'); DROP TABLE courses; --")).toEqual([]);
    expect(await db.course.count()).toBe(1);
  });

  it("is planned on the migration's full-text and trigram indexes", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // A catalog big enough for the planner to prefer the indexes over a scan.
      await client.query(`INSERT INTO courses (slug, title_fr, title_en, description_fr, description_en, status)
        SELECT 'c-' || g, 'Cours ' || md5(g::text), 'Course ' || g, 'desc ' || md5((g * 7)::text), 'desc', 'published'
          FROM generate_series(1, 3000) g`);
      await client.query("ANALYZE courses");
      const seen: { query: string; params: string }[] = [];
      const listener = (e: { query: string; params: string }) => seen.push(e);
      (db as unknown as { $on(ev: "query", cb: typeof listener): void }).$on("query", listener);
      await searchPublishedCourseIds(db, "sante");
      const sent = seen.find((q) => q.query.includes("sira_course_search_tsv"));
      expect(sent).toBeDefined();
      const plan = await client.query(`EXPLAIN ${sent?.query}`, JSON.parse(sent?.params ?? "[]"));
      const text = plan.rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain("Bitmap Index Scan on courses_search_tsv_idx");
      expect(text).toContain("Bitmap Index Scan on courses_title_trgm_idx");
    } finally {
      await client.end();
    }
  });
});

describe("hasCourseAccessPurchase", () => {
  it("is false without a purchase, true after a course_purchase for that course only", async () => {
    const learner = await makeUser(db);
    const paid = await course("paid", "Payant", "Paid", { priceCredits: 100 });
    const other = await course("other", "Autre", "Other", { priceCredits: 100 });
    expect(await hasCourseAccessPurchase(db, learner, paid.id)).toBe(false);
    const account = await db.creditAccount.create({ data: { userId: learner } });
    await db.transaction.create({
      data: { accountId: account.id, type: "course_purchase", amount: -100, balanceAfter: 0, courseId: paid.id },
    });
    expect(await hasCourseAccessPurchase(db, learner, paid.id)).toBe(true);
    expect(await hasCourseAccessPurchase(db, learner, other.id)).toBe(false);
    expect(await hasCourseAccessPurchase(db, await makeUser(db), paid.id)).toBe(false);
  });

  it("counts a redeemed activation code for the course or for a curriculum holding it", async () => {
    const learner = await makeUser(db);
    const paid = await course("paid", "Payant", "Paid", { priceCredits: 100 });
    const inCurriculum = await course("in-curriculum", "Dans le parcours", "In curriculum", { priceCredits: 100 });
    const curriculum = await db.curriculum.create({
      data: { slug: "parcours", titleFr: "P", titleEn: "C", courses: { create: [{ courseId: inCurriculum.id }] } },
    });
    const courseCode = await db.activationCode.create({
      data: { codeHash: "h1", codeHint: "AB12", kind: "course", courseId: paid.id },
    });
    const curriculumCode = await db.activationCode.create({
      data: { codeHash: "h2", codeHint: "CD34", kind: "curriculum", curriculumId: curriculum.id },
    });
    expect(await hasCourseAccessPurchase(db, learner, paid.id)).toBe(false);
    await db.activationCodeRedemption.create({ data: { codeId: courseCode.id, userId: learner } });
    expect(await hasCourseAccessPurchase(db, learner, paid.id)).toBe(true);
    expect(await hasCourseAccessPurchase(db, learner, inCurriculum.id)).toBe(false);
    await db.activationCodeRedemption.create({ data: { codeId: curriculumCode.id, userId: learner } });
    expect(await hasCourseAccessPurchase(db, learner, inCurriculum.id)).toBe(true);
  });
});

describe("enrollment", () => {
  it("records the enrollment at the time it happened, and the drop likewise", async () => {
    const viewer = { userId: await makeUser(db), role: "learner" as const };
    const c = await course("cours", "Cours", "Course");
    const queuedAt = new Date(Date.now() - 3_600_000);
    const enrolled = await enrollInCourse(db, viewer, c.id, queuedAt);
    expect(enrolled.enrolled_at).toBe(queuedAt.toISOString());
    // updated_at stays server time, so delta-sync cursors never skip the change.
    expect(new Date(enrolled.updated_at).getTime()).toBeGreaterThan(queuedAt.getTime());
    const droppedAt = new Date(Date.now() - 60_000);
    const dropped = await unenrollFromCourse(db, viewer, c.slug, droppedAt);
    expect(dropped).toMatchObject({ status: "dropped", dropped_at: droppedAt.toISOString() });
  });

  it("restores a completed course as completed when a learner re-enrolls", async () => {
    const viewer = { userId: await makeUser(db), role: "learner" as const };
    const c = await course("cours", "Cours", "Course");
    await db.userCourseEnrollment.create({
      data: {
        userId: viewer.userId,
        courseId: c.id,
        status: "dropped",
        completionPct: 100,
        completedAt: new Date("2026-01-01T00:00:00Z"),
        droppedAt: new Date("2026-02-01T00:00:00Z"),
      },
    });
    const back = await enrollInCourse(db, viewer, c.id, new Date());
    expect(back).toMatchObject({ status: "completed", completion_pct: 100, dropped_at: null });
  });

  it("refuses a paid course with PAYMENT_REQUIRED", async () => {
    const viewer = { userId: await makeUser(db), role: "learner" as const };
    const c = await course("payant", "Payant", "Paid", { priceCredits: 10 });
    await expect(enrollInCourse(db, viewer, c.id, new Date())).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
      status: 402,
    });
    expect(await db.userCourseEnrollment.count()).toBe(0);
  });

  it("answers NOT_FOUND for an unknown course and when unenrolling without an enrollment", async () => {
    const viewer = { userId: await makeUser(db), role: "learner" as const };
    const c = await course("cours", "Cours", "Course");
    const missing = enrollInCourse(db, viewer, crypto.randomUUID(), new Date());
    await expect(missing).rejects.toBeInstanceOf(AppError);
    await expect(missing).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(unenrollFromCourse(db, viewer, c.id, new Date())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("shape helpers", () => {
  it("match a UUID key by id only, any other key by slug only", () => {
    const id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
    expect(byIdOrSlug(id)).toEqual({ id: id.toLowerCase() });
    expect(byIdOrSlug("sante-publique")).toEqual({ slug: "sante-publique" });
  });
});
