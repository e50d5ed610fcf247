/**
 * GET /api/v1/curricula and /api/v1/curricula/{slug}: happy paths (order, language, fields,
 * pagination, ETag), errors, and who sees private curricula and the private courses inside them.
 */
import type { CatalogCurriculum, CurriculumDetail, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { grantGroup, grantUser, makeCourse, makeCurriculum } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const CURRICULA = "/api/v1/curricula";

describe("GET /api/v1/curricula (happy)", () => {
  it("lists published curricula by title in the request language, with the visible course count", async () => {
    const pub = await makeCourse(deps);
    const priv = await makeCourse(deps, { visibility: "private" });
    const draft = await makeCourse(deps, { status: "draft" });
    const a = await makeCurriculum(deps, [pub.id, priv.id, draft.id], { titleFr: "B parcours", titleEn: "A track" });
    const b = await makeCurriculum(deps, [], { titleFr: "A parcours", titleEn: "B track" });
    await makeCurriculum(deps, [], { status: "draft" });
    await makeCurriculum(deps, [], { status: "archived" });

    const fr = (await (await app.request(CURRICULA)).json()) as Page<CatalogCurriculum>;
    expect(fr).toMatchObject({ total: 2, page: 1, limit: 20, has_more: false });
    expect(fr.items.map((c) => c.id)).toEqual([b.id, a.id]);
    const en = (await (await app.request(`${CURRICULA}?lang=en`)).json()) as Page<CatalogCurriculum>;
    expect(en.items.map((c) => c.id)).toEqual([a.id, b.id]);
    const row = await deps.db.curriculum.findUniqueOrThrow({ where: { id: a.id } });
    expect(en.items[0]).toEqual({
      id: a.id,
      slug: a.slug,
      title: "A track",
      title_fr: "B parcours",
      title_en: "A track",
      description: "A curriculum",
      description_fr: "Un parcours",
      description_en: "A curriculum",
      visibility: "public",
      course_count: 1,
      updated_at: row.updatedAt.toISOString(),
    });
  });

  it("paginates, trims to ?fields=, and answers 304 to a matching ETag", async () => {
    for (let i = 0; i < 3; i++) await makeCurriculum(deps, [], { titleFr: `Parcours ${i}` });
    const page = (await (await app.request(`${CURRICULA}?limit=2&page=2&fields=title`)).json()) as Page<
      Partial<CatalogCurriculum>
    >;
    expect(page).toMatchObject({ total: 3, page: 2, limit: 2, has_more: false });
    expect(page.items).toEqual([{ id: expect.any(String), title: "Parcours 2" }]);
    const first = await app.request(CURRICULA);
    const tag = first.headers.get("etag") as string;
    expect((await app.request(CURRICULA, { headers: { "if-none-match": tag } })).status).toBe(304);
  });
});

describe("GET /api/v1/curricula/{slug} (happy)", () => {
  it("returns the curriculum with its visible courses in sort_order", async () => {
    const c1 = await makeCourse(deps, { titleFr: "Premier" });
    const c2 = await makeCourse(deps, { titleFr: "Second" });
    const hidden = await makeCourse(deps, { status: "draft" });
    const cur = await makeCurriculum(deps, [c2.id, hidden.id, c1.id]);
    const res = await app.request(`${CURRICULA}/${cur.slug}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as CurriculumDetail;
    expect(body.courses.map((c) => [c.id, c.sort_order])).toEqual([
      [c2.id, 10],
      [c1.id, 30],
    ]);
    expect(body.course_count).toBe(2);
    expect(body.courses[1]).toMatchObject({ title: "Premier", slug: c1.slug });
    expect(body.courses[1]).not.toHaveProperty("is_enrolled");
  });

  it("marks the courses a signed-in learner is enrolled in", async () => {
    const learner = await signIn(deps);
    const c1 = await makeCourse(deps);
    const c2 = await makeCourse(deps);
    const cur = await makeCurriculum(deps, [c1.id, c2.id]);
    await deps.db.userCourseEnrollment.create({ data: { userId: learner.userId, courseId: c2.id } });
    const body = (await (
      await app.request(`${CURRICULA}/${cur.id}`, { headers: learner.headers })
    ).json()) as CurriculumDetail;
    expect(body.courses.map((c) => c.is_enrolled)).toEqual([false, true]);
  });
});

describe("curricula (errors)", () => {
  it("answers 404 for an unknown slug, and 400 for a malformed one or bad paging", async () => {
    expect((await app.request(`${CURRICULA}/no-such-thing`)).status).toBe(404);
    const bad = await app.request(`${CURRICULA}/Bad%20Slug!`);
    expect(bad.status).toBe(400);
    expect((await app.request(`${CURRICULA}?limit=101`)).status).toBe(400);
    expect((await app.request(`${CURRICULA}?page=0`)).status).toBe(400);
    const unknown = await app.request(`${CURRICULA}?fields=title,secret`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { code: string }).code).toBe("UNKNOWN_FIELDS");
  });
});

describe("curricula (security)", () => {
  it("shows a private curriculum and its private courses only to direct or group grantees", async () => {
    const [direct, viaGroup, stranger] = [await signIn(deps), await signIn(deps), await signIn(deps)];
    const priv = await makeCourse(deps, { visibility: "private" });
    const cur = await makeCurriculum(deps, [priv.id], { visibility: "private" });
    await grantUser(deps, cur.id, direct.userId);
    await grantGroup(deps, cur.id, [viaGroup.userId]);

    for (const user of [direct, viaGroup]) {
      const list = (await (await app.request(CURRICULA, { headers: user.headers })).json()) as Page<CatalogCurriculum>;
      expect(list.items.map((c) => c.id)).toEqual([cur.id]);
      const detail = (await (
        await app.request(`${CURRICULA}/${cur.slug}`, { headers: user.headers })
      ).json()) as CurriculumDetail;
      expect(detail.courses.map((c) => c.id)).toEqual([priv.id]);
    }
    for (const headers of [stranger.headers, {}]) {
      const list = (await (await app.request(CURRICULA, { headers })).json()) as Page<CatalogCurriculum>;
      expect(list.total).toBe(0);
      const res = await app.request(`${CURRICULA}/${cur.slug}`, { headers });
      expect(res.status).toBe(404);
      // Indistinguishable from a curriculum that does not exist.
      const missing = await app.request(`${CURRICULA}/does-not-exist`, { headers });
      const [a, b] = [(await res.json()) as Record<string, unknown>, (await missing.json()) as Record<string, unknown>];
      expect({ ...a, instance: null, request_id: null }).toEqual({ ...b, instance: null, request_id: null });
    }
  });

  it("does not leak a private course through a public curriculum", async () => {
    const stranger = await signIn(deps);
    const priv = await makeCourse(deps, { visibility: "private" });
    const pub = await makeCourse(deps);
    const cur = await makeCurriculum(deps, [priv.id, pub.id]);
    const body = (await (
      await app.request(`${CURRICULA}/${cur.slug}`, { headers: stranger.headers })
    ).json()) as CurriculumDetail;
    expect(body.courses.map((c) => c.id)).toEqual([pub.id]);
    expect(body.course_count).toBe(1);
  });
});
