/** /api/v1/courses: who must not see what. Hidden courses never surface, whatever the route. */
import type { CatalogCourse, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse, makeCurriculum } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const COURSES = "/api/v1/courses";

async function ids(path: string, headers: Record<string, string> = {}): Promise<string[]> {
  const res = await app.request(path, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as Page<CatalogCourse>).items.map((i) => i.id);
}

describe("catalog security", () => {
  it("never lists or finds by search a draft, archived or private course the caller cannot see", async () => {
    const stranger = await signIn(deps);
    const visible = await makeCourse(deps, { titleFr: "Santé visible" });
    const draft = await makeCourse(deps, { titleFr: "Santé brouillon", status: "draft" });
    const archived = await makeCourse(deps, { titleFr: "Santé archivée", status: "archived" });
    const priv = await makeCourse(deps, { titleFr: "Santé privée", visibility: "private" });
    await makeCurriculum(deps, [priv.id], { visibility: "private" });
    for (const headers of [{}, stranger.headers]) {
      expect(await ids(COURSES, headers)).toEqual([visible.id]);
      expect(await ids(`${COURSES}?search=sante`, headers)).toEqual([visible.id]);
      for (const hidden of [draft, priv]) {
        expect((await app.request(`${COURSES}/${hidden.id}`, { headers })).status).toBe(404);
        expect((await app.request(`${COURSES}/${hidden.slug}`, { headers })).status).toBe(404);
      }
      expect((await app.request(`${COURSES}/${archived.id}`, { headers })).status).toBe(404);
    }
  });

  it("gives the same 404 for a hidden course as for one that does not exist", async () => {
    const priv = await makeCourse(deps, { visibility: "private" });
    const hidden = (await (await app.request(`${COURSES}/${priv.id}`)).json()) as Record<string, unknown>;
    const missing = (await (await app.request(`${COURSES}/${crypto.randomUUID()}`)).json()) as Record<string, unknown>;
    const strip = (p: Record<string, unknown>) => ({ ...p, instance: null, request_id: null });
    expect(strip(hidden)).toEqual(strip(missing));
  });

  it("finds a course by its id only, even when another course's (older) slug spells that id", async () => {
    const learner = await signIn(deps);
    const id = crypto.randomUUID();
    // Slugs shaped like UUIDs are refused now, but rows written before may hold one.
    await makeCourse(deps, { slug: id, titleFr: "Piège" });
    await makeCourse(deps, { id, titleFr: "Victime", priceCredits: 500 });
    const detail = (await (await app.request(`${COURSES}/${id}`)).json()) as { id: string; title: string };
    expect(detail).toMatchObject({ id, title: "Victime" });
    const enroll = await app.request(`${COURSES}/${id}/enroll`, { method: "POST", headers: learner.headers });
    expect(enroll.status).toBe(402);
    expect(await deps.db.userCourseEnrollment.count()).toBe(0);
  });

  it("does not reveal who else is enrolled, or another learner's progress", async () => {
    const awa = await signIn(deps);
    const moussa = await signIn(deps);
    const c = await makeCourse(deps);
    await deps.db.userCourseEnrollment.create({ data: { userId: awa.userId, courseId: c.id, completionPct: 80 } });
    const body = (await (await app.request(`${COURSES}/${c.id}`, { headers: moussa.headers })).json()) as {
      is_enrolled: boolean;
      enrollment: unknown;
    };
    expect(body).toMatchObject({ is_enrolled: false, enrollment: null });
    expect((await ids(COURSES, moussa.headers)).length).toBe(1);
    const page = (await (await app.request(COURSES, { headers: moussa.headers })).json()) as Page<CatalogCourse>;
    expect(page.items[0]?.is_enrolled).toBe(false);
  });

  it("refuses an expired or forged token instead of answering as anonymous", async () => {
    const res = await app.request(COURSES, { headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." } });
    expect(res.status).toBe(401);
  });

  it("never exposes internal columns, whatever ?fields= asks", async () => {
    await makeCourse(deps);
    for (const field of ["expert_id", "created_by", "rag_collection_id", "visibility", "status"]) {
      expect((await app.request(`${COURSES}?fields=${field}`)).status, field).toBe(400);
    }
  });
});
