/**
 * analyticsOverview at a fixed `now`: window boundaries, what counts as a started enrollment, and
 * the per-course list's limit and order.
 */
import { ANALYTICS_COURSE_LIMIT } from "@sira/contracts";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { analyticsOverview } from "../src/analytics/overview.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const now = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
const before = (ms: number) => new Date(now.getTime() - ms);

async function user(createdAt: Date, extra: { deletedAt?: Date; role?: string } = {}): Promise<string> {
  const row = await db.user.create({
    data: {
      email: `u-${crypto.randomUUID().slice(0, 8)}@example.org`,
      name: "U",
      preferredLanguage: "fr",
      country: "CI",
      professionalRole: "nurse",
      status: "active",
      createdAt,
      ...extra,
    },
  });
  return row.id;
}

async function courseWithModule(slug: string, status = "published") {
  const course = await db.course.create({ data: { slug, titleFr: `FR ${slug}`, titleEn: `EN ${slug}`, status } });
  const mod = await db.module.create({
    data: {
      courseId: course.id,
      moduleNumber: 1,
      level: 1,
      titleFr: "M",
      titleEn: "M",
      descriptionFr: "D",
      descriptionEn: "D",
      estimatedHours: 1,
      bloomLevel: "remember",
      units: { create: { unitNumber: 1, unitType: "quiz", titleFr: "Q", titleEn: "Q" } },
    },
    include: { units: true },
  });
  return { id: course.id, moduleId: mod.id, unitId: mod.units[0]?.id as string };
}

describe("rolling windows", () => {
  it("count new and active users strictly inside (now − window, now]", async () => {
    const exactlyADay = await user(before(DAY));
    const justInside = await user(before(DAY - 1_000));
    await user(before(7 * DAY));
    await user(before(7 * DAY - 1_000));
    await user(new Date(now.getTime() + 60_000)); // after `now`: counted in total only
    await user(before(2 * DAY), { deletedAt: before(DAY / 2) }); // erased: not counted
    await db.usageEvent.createMany({
      data: [
        { userId: exactlyADay, kind: "login", occurredAt: before(DAY) },
        { userId: justInside, kind: "login", occurredAt: before(DAY - 1_000) },
        { userId: justInside, kind: "lesson_view", occurredAt: before(DAY - 2_000) },
        { userId: exactlyADay, kind: "login", occurredAt: before(30 * DAY) },
        { userId: justInside, kind: "login", occurredAt: new Date(now.getTime() + 1_000) },
      ],
    });
    const { users } = await analyticsOverview(db, { now, lang: "fr" });
    expect(users.total).toBe(5);
    expect(users.by_role).toEqual({ learner: 5, expert: 0, admin: 0 });
    expect(users.new).toEqual({ day: 1, week: 3, month: 4 });
    expect(users.active).toEqual({ day: 1, week: 2, month: 2 });
  });
});

describe("the funnel", () => {
  it("counts an enrollment as started by module progress begun, any unit progress in the course, or completion", async () => {
    const course = await courseWithModule("funnel");
    const other = await courseWithModule("autre");
    const learners = await Promise.all(Array.from({ length: 7 }, () => user(before(DAY * 2))));
    const [startedAt, pct, inProgress, unit, completed, locked, elsewhere] = learners as string[] & { length: 7 };
    await db.userCourseEnrollment.createMany({
      data: learners.map((userId) => ({
        userId,
        courseId: course.id,
        status: userId === completed ? "completed" : "active",
        completionPct: userId === completed ? 100 : 0,
      })),
    });
    await db.userModuleProgress.createMany({
      data: [
        { userId: startedAt as string, moduleId: course.moduleId, status: "available", startedAt: before(DAY) },
        { userId: pct as string, moduleId: course.moduleId, status: "available", completionPct: 5 },
        { userId: inProgress as string, moduleId: course.moduleId, status: "in_progress" },
        { userId: locked as string, moduleId: course.moduleId, status: "locked" },
        { userId: elsewhere as string, moduleId: other.moduleId, status: "in_progress", startedAt: before(DAY) },
      ],
    });
    await db.userUnitProgress.createMany({
      data: [
        { userId: unit as string, unitId: course.unitId },
        { userId: elsewhere as string, unitId: other.unitId },
      ],
    });
    const overview = await analyticsOverview(db, { now, lang: "en" });
    const funnel = overview.courses.find((c) => c.slug === "funnel");
    expect(funnel?.funnel).toEqual({ enrolled: 7, started: 5, completed: 1 });
    expect(funnel?.title).toBe("EN funnel");
    expect(funnel?.average_completion_pct).toBe(14.3);
    expect(overview.enrollments.funnel).toEqual({ enrolled: 7, started: 5, completed: 1 });
  });
});

describe("the per-course list", () => {
  it(`keeps the ${ANALYTICS_COURSE_LIMIT} most enrolled courses, leaves out unenrolled drafts, and says how many qualified`, async () => {
    const learner = await user(before(DAY));
    await db.course.createMany({
      data: Array.from({ length: ANALYTICS_COURSE_LIMIT + 2 }, (_, i) => ({
        slug: `c-${String(i).padStart(3, "0")}`,
        titleFr: "T",
        titleEn: "T",
        status: i % 2 ? "published" : "archived",
      })),
    });
    await db.course.create({ data: { slug: "draft-unenrolled", titleFr: "D", titleEn: "D" } });
    const draft = await db.course.create({ data: { slug: "z-draft-enrolled", titleFr: "D", titleEn: "D" } });
    await db.userCourseEnrollment.create({ data: { userId: learner, courseId: draft.id } });

    const overview = await analyticsOverview(db, { now, lang: "fr" });
    expect(overview.courses_total).toBe(ANALYTICS_COURSE_LIMIT + 3);
    expect(overview.courses).toHaveLength(ANALYTICS_COURSE_LIMIT);
    expect(overview.courses[0]?.slug).toBe("z-draft-enrolled");
    expect(overview.courses[1]?.slug).toBe("c-000");
    expect(overview.courses.some((c) => c.slug === "draft-unenrolled")).toBe(false);
  });
});
