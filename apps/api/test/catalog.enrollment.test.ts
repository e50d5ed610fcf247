/**
 * POST /api/v1/courses/{id}/enroll|unenroll and GET /api/v1/courses/my-enrollments: idempotent
 * enrollment, 402 for paid courses, soft unenroll, re-enroll with progress intact, ?since= delta.
 */
import type { Enrollment, MyEnrollment, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse, makeCurriculum, purchaseCourse } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const COURSES = "/api/v1/courses";
const MINE = `${COURSES}/my-enrollments`;

function post(user: SignedIn | null, path: string, headers: Record<string, string> = {}) {
  return app.request(path, { method: "POST", headers: { ...(user?.headers ?? {}), ...headers } });
}

interface Delta {
  items: MyEnrollment[];
  deleted: unknown[];
  server_time: string;
  has_more: boolean;
  reset: boolean;
}

describe("enroll and unenroll (happy)", () => {
  it("enrolls in a free course, by id or slug, and enrolling again changes nothing", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps);
    const first = await post(learner, `${COURSES}/${c.id}/enroll`);
    expect(first.status).toBe(200);
    const enrollment = (await first.json()) as Enrollment;
    expect(enrollment).toMatchObject({
      course_id: c.id,
      status: "active",
      completion_pct: 0,
      completed_at: null,
      dropped_at: null,
    });
    const again = await post(learner, `${COURSES}/${c.slug}/enroll`);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(enrollment);
    expect(await deps.db.userCourseEnrollment.count()).toBe(1);
  });

  it("replays an Idempotency-Key and records an offline-queued enroll at its real time", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps);
    const queuedAt = new Date(Date.now() - 2 * 3_600_000);
    const headers = { "idempotency-key": "enroll-0001-abcd", "x-offline-queued-at": queuedAt.toISOString() };
    const first = await post(learner, `${COURSES}/${c.id}/enroll`, headers);
    expect(first.status).toBe(200);
    expect(((await first.json()) as Enrollment).enrolled_at).toBe(queuedAt.toISOString());
    const replay = await post(learner, `${COURSES}/${c.id}/enroll`, headers);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("unenrolls softly (dropped, progress kept), and re-enrolling restores it", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps);
    expect((await post(learner, `${COURSES}/${c.id}/enroll`)).status).toBe(200);
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: learner.userId, courseId: c.id } },
      data: { completionPct: 62.5 },
    });
    const dropped = await post(learner, `${COURSES}/${c.id}/unenroll`);
    expect(dropped.status).toBe(200);
    const droppedBody = (await dropped.json()) as Enrollment;
    expect(droppedBody).toMatchObject({ status: "dropped", completion_pct: 62.5 });
    expect(droppedBody.dropped_at).not.toBeNull();
    // Unenrolling twice is harmless and keeps the first drop time.
    expect(await (await post(learner, `${COURSES}/${c.id}/unenroll`)).json()).toEqual(droppedBody);
    expect(await deps.db.userCourseEnrollment.count()).toBe(1);

    const back = (await (await post(learner, `${COURSES}/${c.id}/enroll`)).json()) as Enrollment;
    expect(back).toMatchObject({ status: "active", completion_pct: 62.5, dropped_at: null });
    expect(back.enrolled_at).toBe(droppedBody.enrolled_at);
  });

  it("enrolls in a paid course once it was bought, and keeps a dropped paid course without paying again", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { priceCredits: 300 });
    await purchaseCourse(deps, learner.userId, c.id, 300);
    expect((await post(learner, `${COURSES}/${c.id}/enroll`)).status).toBe(200);
    expect((await post(learner, `${COURSES}/${c.id}/unenroll`)).status).toBe(200);
    expect((await post(learner, `${COURSES}/${c.id}/enroll`)).status).toBe(200);
  });

  it("enrolls a learner in a private course of a curriculum they were granted", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { visibility: "private" });
    const cur = await makeCurriculum(deps, [c.id], { visibility: "private" });
    await deps.db.curriculumAccess.create({ data: { curriculumId: cur.id, userId: learner.userId } });
    expect((await post(learner, `${COURSES}/${c.id}/enroll`)).status).toBe(200);
  });
});

describe("enroll and unenroll (errors)", () => {
  it("answers 402 PAYMENT_REQUIRED for a paid course without a purchase, in the request's language", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { priceCredits: 300 });
    const res = await post(learner, `${COURSES}/${c.id}/enroll?lang=en`);
    expect(res.status).toBe(402);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("PAYMENT_REQUIRED");
    expect(body.detail).toContain("300 credits");
    expect(await deps.db.userCourseEnrollment.count()).toBe(0);
  });

  it("refuses an archived course with 409 COURSE_NOT_OPEN, even to a learner who dropped it", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { status: "archived" });
    await deps.db.userCourseEnrollment.create({
      data: { userId: learner.userId, courseId: c.id, status: "dropped", droppedAt: new Date() },
    });
    const res = await post(learner, `${COURSES}/${c.id}/enroll`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("COURSE_NOT_OPEN");
  });

  it("answers 404 for an unknown course, a draft, and unenrolling a course never joined", async () => {
    const learner = await signIn(deps);
    const draft = await makeCourse(deps, { status: "draft" });
    const open = await makeCourse(deps);
    for (const path of [
      `${COURSES}/${crypto.randomUUID()}/enroll`,
      `${COURSES}/no-such-course/enroll`,
      `${COURSES}/${draft.id}/enroll`,
      `${COURSES}/${open.id}/unenroll`,
    ]) {
      const res = await post(learner, path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe("NOT_FOUND");
    }
  });

  it("answers 400 for a malformed course key", async () => {
    const learner = await signIn(deps);
    const res = await post(learner, `${COURSES}/Not%20A%20Slug/enroll`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
  });
});

describe("enroll and unenroll (security)", () => {
  it("requires a signed-in caller", async () => {
    const c = await makeCourse(deps);
    for (const path of [`${COURSES}/${c.id}/enroll`, `${COURSES}/${c.id}/unenroll`, MINE]) {
      const res = await app.request(path, { method: path === MINE ? "GET" : "POST" });
      expect(res.status, path).toBe(401);
    }
    expect(await deps.db.userCourseEnrollment.count()).toBe(0);
  });

  it("refuses an invalid token rather than treating the caller as anonymous", async () => {
    const c = await makeCourse(deps);
    const res = await post(null, `${COURSES}/${c.id}/enroll`, { authorization: "Bearer not.a.token" });
    expect(res.status).toBe(401);
  });

  it("hides a private course from a learner without access: 404, and nothing is written", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { visibility: "private" });
    await makeCurriculum(deps, [c.id], { visibility: "private" });
    const res = await post(learner, `${COURSES}/${c.id}/enroll`);
    expect(res.status).toBe(404);
    expect(await deps.db.userCourseEnrollment.count()).toBe(0);
  });

  it("only ever changes the caller's own enrollment", async () => {
    const awa = await signIn(deps);
    const moussa = await signIn(deps);
    const c = await makeCourse(deps);
    await post(awa, `${COURSES}/${c.id}/enroll`);
    expect((await post(moussa, `${COURSES}/${c.id}/unenroll`)).status).toBe(404);
    const row = await deps.db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId: awa.userId, courseId: c.id } },
    });
    expect(row.status).toBe("active");
  });
});

describe("GET /api/v1/courses/my-enrollments", () => {
  it("lists the caller's enrollments with a course summary, most recent change first", async () => {
    const learner = await signIn(deps, { preferredLanguage: "en" });
    const other = await signIn(deps);
    const a = await makeCourse(deps, { titleFr: "Paludisme", titleEn: "Malaria", modules: 2 });
    const b = await makeCourse(deps);
    await post(learner, `${COURSES}/${a.id}/enroll`);
    await post(learner, `${COURSES}/${b.id}/enroll`);
    await post(learner, `${COURSES}/${b.id}/unenroll`);
    await post(other, `${COURSES}/${a.id}/enroll`);
    const res = await app.request(MINE, { headers: learner.headers });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<MyEnrollment>;
    expect(page).toMatchObject({ total: 2, page: 1, limit: 20, has_more: false });
    expect(page.items.map((e) => [e.course_id, e.status])).toEqual([
      [b.id, "dropped"],
      [a.id, "active"],
    ]);
    expect(page.items[1]?.course).toEqual({
      id: a.id,
      slug: a.slug,
      title: "Malaria",
      title_fr: "Paludisme",
      title_en: "Malaria",
      cover_image_url: null,
      estimated_hours: 20,
      module_count: 2,
      status: "published",
    });
  });

  it("keeps an archived course in the list of a learner enrolled before archiving", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps);
    await post(learner, `${COURSES}/${c.id}/enroll`);
    await deps.db.course.update({ where: { id: c.id }, data: { status: "archived" } });
    const page = (await (await app.request(MINE, { headers: learner.headers })).json()) as Page<MyEnrollment>;
    expect(page.items.map((e) => e.course.status)).toEqual(["archived"]);
  });

  it("with ?since= returns only the changes since then, unenrolling included, and a cursor", async () => {
    const learner = await signIn(deps);
    const a = await makeCourse(deps);
    const b = await makeCourse(deps);
    await post(learner, `${COURSES}/${a.id}/enroll`);
    await post(learner, `${COURSES}/${b.id}/enroll`);
    // Past the cursor's clock-skew margin (100 ms), so the next delta holds only what follows.
    await new Promise((r) => setTimeout(r, 150));
    const full = (await (
      await app.request(`${MINE}?since=2020-01-01T00:00:00Z`, { headers: learner.headers })
    ).json()) as Delta;
    expect(full.items.map((e) => e.course_id).sort()).toEqual([a.id, b.id].sort());
    expect(full).toMatchObject({ deleted: [], has_more: false, reset: true });

    await new Promise((r) => setTimeout(r, 5));
    await post(learner, `${COURSES}/${a.id}/unenroll`);
    const res = await app.request(`${MINE}?since=${encodeURIComponent(full.server_time)}`, {
      headers: learner.headers,
    });
    expect(res.status).toBe(200);
    const delta = (await res.json()) as Delta;
    expect(delta.items.map((e) => [e.course_id, e.status])).toEqual([[a.id, "dropped"]]);
    expect(delta).toMatchObject({ has_more: false, reset: false });
    expect(new Date(delta.server_time).getTime()).toBeGreaterThan(new Date(full.server_time).getTime());
  });

  it("pages a large delta oldest first, with has_more and a cursor just after the newest change sent", async () => {
    const learner = await signIn(deps);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await makeCourse(deps);
      ids.push(c.id);
      await post(learner, `${COURSES}/${c.id}/enroll`);
    }
    // Past the clock-skew margin, the cursor can move just past the last change sent.
    await new Promise((r) => setTimeout(r, 150));
    const since = new Date(Date.now() - 60_000).toISOString();
    const first = (await (
      await app.request(`${MINE}?since=${since}&limit=2`, { headers: learner.headers })
    ).json()) as Delta;
    expect(first.items.map((e) => e.course_id)).toEqual(ids.slice(0, 2));
    expect(first.has_more).toBe(true);
    expect(new Date(first.server_time).getTime()).toBe(new Date(first.items[1]?.updated_at ?? 0).getTime() + 1);
    const next = (await (
      await app.request(`${MINE}?since=${encodeURIComponent(first.server_time)}&limit=2`, { headers: learner.headers })
    ).json()) as Delta;
    expect(next.items.map((e) => e.course_id)).toEqual(ids.slice(2));
    expect(next.has_more).toBe(false);
  });

  it("answers 400 INVALID_SINCE for a malformed or future ?since=", async () => {
    const learner = await signIn(deps);
    for (const since of ["yesterday", "2026-02-30T00:00:00Z", new Date(Date.now() + 3_600_000).toISOString()]) {
      const res = await app.request(`${MINE}?since=${encodeURIComponent(since)}`, { headers: learner.headers });
      expect(res.status, since).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("INVALID_SINCE");
    }
  });
});
