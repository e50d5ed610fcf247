/**
 * GET /api/v1/admin/analytics/overview and tRPC `admin.analytics.overview`: exact figures on a
 * seeded platform, admins only, three SQL statements, and a 60-second Redis cache.
 */
import type { AnalyticsOverview } from "@sira/contracts";
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { call, callerFor, problemOf, seedCourse } from "./admin-courses.fixtures.ts";
import { closeTestDeps, countQueries, resetRedis, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const OVERVIEW = "/api/v1/admin/analytics/overview";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms);

async function unitOf(moduleId: string): Promise<string> {
  return (await deps.db.moduleUnit.findFirstOrThrow({ where: { moduleId } })).id;
}

/**
 * 7 live users (1 admin, 1 expert, 5 learners) and one erased; learners active yesterday, this
 * week and this month; two published courses, one archived and one draft.
 */
async function platform(): Promise<{ admin: SignedIn; expert: SignedIn; courses: string[] }> {
  const admin = await signIn(deps, { role: "admin" });
  const expert = await signIn(deps, { role: "expert" });
  const users: SignedIn[] = [];
  for (let i = 0; i < 5; i += 1) users.push(await signIn(deps));
  const id = (i: number) => (users[i] as SignedIn).userId;
  await deps.db.user.update({ where: { id: id(2) }, data: { createdAt: ago(3 * DAY) } });
  await deps.db.user.update({ where: { id: id(3) }, data: { createdAt: ago(20 * DAY) } });
  await deps.db.user.update({ where: { id: id(4) }, data: { createdAt: ago(40 * DAY) } });
  const erased = await signIn(deps);
  await deps.db.user.update({ where: { id: erased.userId }, data: { deletedAt: new Date(), status: "disabled" } });

  await deps.db.usageEvent.createMany({
    data: [
      { userId: id(0), kind: "lesson_view", occurredAt: ago(HOUR) },
      { userId: id(0), kind: "quiz_answer", occurredAt: ago(2 * HOUR) },
      { userId: id(1), kind: "login", occurredAt: ago(3 * DAY) },
      { userId: id(2), kind: "login", occurredAt: ago(10 * DAY) },
      { userId: id(2), kind: "login", occurredAt: ago(31 * DAY) },
      { userId: id(3), kind: "login", occurredAt: ago(40 * DAY) },
      { userId: null, kind: "login", occurredAt: ago(HOUR) },
    ],
  });

  const c1 = await seedCourse(deps, { slug: "c1-sante", status: "published", modules: 2 });
  const c2 = await seedCourse(deps, { slug: "c2-hygiene", status: "published", modules: 1 });
  const c3 = await seedCourse(deps, { slug: "c3-archive", status: "archived", modules: 1 });
  await seedCourse(deps, { slug: "c4-brouillon", status: "draft" });
  await deps.db.userCourseEnrollment.createMany({
    data: [
      { userId: id(0), courseId: c1.id, status: "active", completionPct: 50 },
      { userId: id(1), courseId: c1.id, status: "completed", completionPct: 100, completedAt: new Date() },
      { userId: id(2), courseId: c1.id, status: "active", completionPct: 0 },
      { userId: id(3), courseId: c1.id, status: "dropped", completionPct: 20, droppedAt: new Date() },
      { userId: id(4), courseId: c1.id, status: "active", completionPct: 10 },
      { userId: id(4), courseId: c2.id, status: "active", completionPct: 30 },
    ],
  });
  const [m1, m2] = c1.moduleIds as [string, string];
  await deps.db.userModuleProgress.createMany({
    data: [
      // Started: in progress.
      { userId: id(0), moduleId: m1, status: "in_progress", startedAt: ago(HOUR) },
      // Not started: a module merely unlocked.
      { userId: id(2), moduleId: m2, status: "available" },
    ],
  });
  await deps.db.userUnitProgress.createMany({
    data: [
      // Started through a unit of c1.
      { userId: id(3), unitId: await unitOf(m1) },
      // A unit of c2: starts c2 for learner 5, not c1.
      { userId: id(4), unitId: await unitOf(c2.moduleIds[0] as string) },
    ],
  });
  return { admin, expert, courses: [c1.id, c2.id, c3.id] };
}

async function overview(user: SignedIn, lang = "fr"): Promise<AnalyticsOverview> {
  const res = await call(app, "GET", `${OVERVIEW}?lang=${lang}`, { as: user });
  expect(res.status).toBe(200);
  return (await res.json()) as AnalyticsOverview;
}

describe("GET /api/v1/admin/analytics/overview", () => {
  it("counts users, active users, enrollments and per-course funnels exactly", async () => {
    const { admin, courses } = await platform();
    const data = await overview(admin);
    expect(Date.now() - Date.parse(data.generated_at)).toBeGreaterThanOrEqual(0);
    expect(data.users).toEqual({
      total: 7,
      by_role: { learner: 5, expert: 1, admin: 1 },
      new: { day: 4, week: 5, month: 6 },
      active: { day: 1, week: 2, month: 3 },
    });
    expect(data.enrollments).toEqual({
      enrolled: 6,
      active: 4,
      completed: 1,
      dropped: 1,
      average_completion_pct: 35,
      funnel: { enrolled: 6, started: 4, completed: 1 },
    });
    expect(data.courses_total).toBe(3);
    expect(data.courses).toEqual([
      {
        course_id: courses[0],
        slug: "c1-sante",
        title_fr: "Santé publique",
        title_en: "Public health",
        title: "Santé publique",
        status: "published",
        enrolled: 5,
        active: 3,
        completed: 1,
        dropped: 1,
        average_completion_pct: 36,
        funnel: { enrolled: 5, started: 3, completed: 1 },
      },
      expect.objectContaining({
        course_id: courses[1],
        enrolled: 1,
        active: 1,
        average_completion_pct: 30,
        funnel: { enrolled: 1, started: 1, completed: 0 },
      }),
      expect.objectContaining({
        course_id: courses[2],
        status: "archived",
        enrolled: 0,
        average_completion_pct: null,
        funnel: { enrolled: 0, started: 0, completed: 0 },
      }),
    ]);
  });

  it("resolves course titles in the request language", async () => {
    const { admin } = await platform();
    expect((await overview(admin, "en")).courses[0]?.title).toBe("Public health");
  });

  it("computes in three SQL statements, then serves from Redis until the cache is cleared", async () => {
    // Each request also reads the caller's role from the database (decision 0029): one statement more.
    const { admin } = await platform();
    let first: AnalyticsOverview | undefined;
    expect(
      await countQueries(deps, async () => {
        first = await overview(admin);
      }),
    ).toBe(1 + 3);
    await signIn(deps); // a new user the cached answer does not know about yet
    let second: AnalyticsOverview | undefined;
    expect(
      await countQueries(deps, async () => {
        second = await overview(admin);
      }),
    ).toBe(1);
    expect(second).toEqual(first);
    expect(await deps.redis.ttl("sira:analytics:overview:v1:fr")).toBeGreaterThan(0);
    await resetRedis();
    expect((await overview(admin)).users.total).toBe(8);
  });

  it("answers zeros on an empty platform", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const data = await overview(admin);
    expect(data.enrollments).toEqual({
      enrolled: 0,
      active: 0,
      completed: 0,
      dropped: 0,
      average_completion_pct: null,
      funnel: { enrolled: 0, started: 0, completed: 0 },
    });
    expect([data.courses, data.courses_total, data.users.total]).toEqual([[], 0, 1]);
  });
});

describe("who may read the overview", () => {
  it("answers 401 anonymously and 403 to learners and experts", async () => {
    expect((await call(app, "GET", OVERVIEW)).status).toBe(401);
    for (const role of ["learner", "expert"] as const) {
      const res = await call(app, "GET", OVERVIEW, { as: await signIn(deps, { role }) });
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe("FORBIDDEN");
    }
  });

  it("tRPC: experts are FORBIDDEN; admins get the same figures", async () => {
    const { admin, expert } = await platform();
    const refused = await (await callerFor(deps, expert)).admin.analytics.overview().catch((e: unknown) => e);
    expect((refused as TRPCError).code).toBe("FORBIDDEN");
    const data = await (await callerFor(deps, admin, "en")).admin.analytics.overview();
    expect(data.enrollments.funnel).toEqual({ enrolled: 6, started: 4, completed: 1 });
    expect(data.courses[0]?.title).toBe("Public health");
  });
});
