/**
 * /api/v1/courses/taxonomy, /api/v1/courses and /api/v1/courses/{id_or_slug}: what works — groups
 * and labels, filters, accent-insensitive ranked search, pagination, ?fields=, FR/EN, ETag/304.
 */
import type { CatalogCourse, CatalogTaxonomy, CourseDetail, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse, makeTaxonomy } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const COURSES = "/api/v1/courses";

async function list(query = "", headers: Record<string, string> = {}): Promise<Page<CatalogCourse>> {
  const res = await app.request(`${COURSES}${query}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Page<CatalogCourse>;
}

describe("GET /api/v1/courses/taxonomy", () => {
  it("groups active categories by type, in sort order, with both labels and the resolved one", async () => {
    await makeTaxonomy(deps);
    const res = await app.request(`${COURSES}/taxonomy?lang=en`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as CatalogTaxonomy;
    expect(body.domain.map((c) => c.slug)).toEqual(["sante-publique", "agriculture"]);
    expect(body.level.map((c) => c.slug)).toEqual(["debutant", "avance"]);
    expect(body.audience.map((c) => c.slug)).toEqual(["etudiants"]);
    expect(body.domain[0]).toMatchObject({
      label: "Public health",
      label_fr: "Santé publique",
      label_en: "Public health",
      sort_order: 1,
    });
  });

  it("resolves labels from Accept-Language, French by default", async () => {
    await makeTaxonomy(deps);
    const fr = (await (await app.request(`${COURSES}/taxonomy`)).json()) as CatalogTaxonomy;
    expect(fr.level[0]?.label).toBe("Débutant");
    const en = await app.request(`${COURSES}/taxonomy`, { headers: { "accept-language": "en-GB,fr;q=0.5" } });
    expect(((await en.json()) as CatalogTaxonomy).level[0]?.label).toBe("Beginner");
    expect(en.headers.get("content-language")).toBe("en");
  });

  it("answers empty groups when there is no taxonomy", async () => {
    expect(await (await app.request(`${COURSES}/taxonomy`)).json()).toEqual({ domain: [], level: [], audience: [] });
  });
});

describe("GET /api/v1/courses", () => {
  it("lists published public courses as small cards, title resolved to the request language", async () => {
    await makeTaxonomy(deps);
    const c = await makeCourse(deps, {
      titleFr: "Santé publique",
      titleEn: "Public health",
      modules: 2,
      priceCredits: 50,
      taxonomy: ["sante-publique", "debutant", "ancien"],
    });
    await makeCourse(deps, { status: "draft" });
    await makeCourse(deps, { status: "archived" });
    const page = await list("?lang=en");
    expect(page).toMatchObject({ page: 1, limit: 20, total: 1, has_more: false });
    const row = await deps.db.course.findUniqueOrThrow({ where: { id: c.id } });
    expect(page.items[0]).toEqual({
      id: c.id,
      slug: c.slug,
      title: "Public health",
      title_fr: "Santé publique",
      title_en: "Public health",
      description: `Description of course ${c.slug}`,
      description_fr: `Description du cours ${c.slug}`,
      description_en: `Description of course ${c.slug}`,
      cover_image_url: null,
      price_credits: 50,
      estimated_hours: 20,
      module_count: 2,
      languages: ["fr", "en"],
      taxonomy: { domain: ["sante-publique"], level: ["debutant"], audience: [] },
      updated_at: row.updatedAt.toISOString(),
    });
    expect(page.items[0]).not.toHaveProperty("is_enrolled");
  });

  it("falls back to the other language when a description is missing", async () => {
    await makeCourse(deps, { descriptionEn: null, descriptionFr: "Seulement en français" });
    const page = await list("?lang=en");
    expect(page.items[0]?.description).toBe("Seulement en français");
    expect(page.items[0]?.description_en).toBeNull();
  });

  it("tells a signed-in learner which courses they are enrolled in (a dropped one does not count)", async () => {
    const learner = await signIn(deps);
    const a = await makeCourse(deps, { publishedAt: new Date("2026-01-03T00:00:00Z") });
    const b = await makeCourse(deps, { publishedAt: new Date("2026-01-02T00:00:00Z") });
    const d = await makeCourse(deps, { publishedAt: new Date("2026-01-01T00:00:00Z") });
    await deps.db.userCourseEnrollment.createMany({
      data: [
        { userId: learner.userId, courseId: a.id },
        { userId: learner.userId, courseId: d.id, status: "dropped", droppedAt: new Date() },
      ],
    });
    const page = await list("", learner.headers);
    expect(page.items.map((i) => [i.id, i.is_enrolled])).toEqual([
      [a.id, true],
      [b.id, false],
      [d.id, false],
    ]);
  });

  it("filters by taxonomy slugs: a comma means either, types combine with AND", async () => {
    await makeTaxonomy(deps);
    const health = await makeCourse(deps, { taxonomy: ["sante-publique", "debutant"] });
    const farm = await makeCourse(deps, { taxonomy: ["agriculture", "avance", "etudiants"] });
    await makeCourse(deps, { taxonomy: ["agriculture", "debutant"] });
    expect((await list("?course_domain=sante-publique")).items.map((i) => i.id)).toEqual([health.id]);
    expect((await list("?course_domain=agriculture&course_level=avance")).items.map((i) => i.id)).toEqual([farm.id]);
    expect((await list("?audience_type=etudiants")).items.map((i) => i.id)).toEqual([farm.id]);
    expect((await list("?course_level=debutant,avance")).total).toBe(3);
    // A slug of another type matches nothing.
    expect((await list("?course_level=sante-publique")).total).toBe(0);
  });

  it("searches FR and EN titles and descriptions without regard to accents or case, best match first", async () => {
    const sante = await makeCourse(deps, {
      titleFr: "Santé publique : les bases de l'épidémiologie",
      titleEn: "Public health: epidemiology basics",
    });
    const desc = await makeCourse(deps, {
      titleFr: "Gestion de district",
      titleEn: "District management",
      descriptionFr: "Organiser un district de santé",
      descriptionEn: "Running a health district",
    });
    await makeCourse(deps, { titleFr: "Irrigation goutte à goutte", titleEn: "Drip irrigation" });

    expect((await list("?search=sante")).items.map((i) => i.id)).toEqual([sante.id, desc.id]);
    expect((await list(`?search=${encodeURIComponent("SANTÉ")}`)).items.map((i) => i.id)).toEqual([sante.id, desc.id]);
    expect((await list("?search=epidemiologie")).items.map((i) => i.id)).toEqual([sante.id]);
    expect((await list("?search=health")).items[0]?.id).toBe(sante.id);
    expect((await list("?search=irigation")).total).toBe(1); // a typo, caught by trigram similarity
    expect((await list("?search=volcan")).total).toBe(0);
  });

  it("pages search results and combines search with filters", async () => {
    await makeTaxonomy(deps);
    for (let i = 0; i < 3; i++) await makeCourse(deps, { titleFr: `Nutrition ${i}`, taxonomy: ["sante-publique"] });
    await makeCourse(deps, { titleFr: "Nutrition animale", taxonomy: ["agriculture"] });
    const first = await list("?search=nutrition&limit=2");
    expect(first).toMatchObject({ total: 4, has_more: true });
    expect(first.items).toHaveLength(2);
    const last = await list("?search=nutrition&limit=2&page=2");
    expect(last).toMatchObject({ total: 4, has_more: false });
    expect(new Set([...first.items, ...last.items].map((i) => i.id)).size).toBe(4);
    expect((await list("?search=nutrition&course_domain=agriculture")).total).toBe(1);
    expect((await list("?search=nutrition&page=3&limit=2")).items).toEqual([]);
  });

  it("paginates newest first, with the envelope's boundaries", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await makeCourse(deps, { publishedAt: new Date(Date.UTC(2026, 0, 10 - i)) })).id);
    }
    expect(await list("?limit=2")).toMatchObject({ page: 1, limit: 2, total: 5, has_more: true });
    expect((await list("?limit=2&page=3")).items.map((i) => i.id)).toEqual([ids[4]]);
    expect(await list("?limit=2&page=3")).toMatchObject({ has_more: false });
    expect((await list("?limit=5")).has_more).toBe(false);
    expect((await list("?limit=2&page=9")).items).toEqual([]);
    expect((await list("?limit=100")).items.map((i) => i.id)).toEqual(ids);
  });

  it("trims items to ?fields= and always keeps id", async () => {
    const c = await makeCourse(deps, { titleFr: "Hygiène", titleEn: "Hygiene" });
    const page = await list("?fields=title,price_credits&lang=en");
    expect(page.items).toEqual([{ id: c.id, title: "Hygiene", price_credits: 0 }]);
  });

  it("carries a strong ETag, and If-None-Match gets a 304 until the catalog changes", async () => {
    const c = await makeCourse(deps);
    const first = await app.request(COURSES);
    const tag = first.headers.get("etag") as string;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await app.request(COURSES, { headers: { "if-none-match": tag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    await deps.db.course.update({ where: { id: c.id }, data: { titleFr: "Nouveau titre" } });
    expect((await app.request(COURSES, { headers: { "if-none-match": tag } })).status).toBe(200);
  });
});

describe("GET /api/v1/courses/{id_or_slug}", () => {
  it("returns the detail by id or slug, modules summarised in order", async () => {
    const c = await makeCourse(deps, { modules: 3, unitsPerModule: 2, titleFr: "Paludisme", titleEn: "Malaria" });
    const byId = await app.request(`${COURSES}/${c.id}?lang=en`);
    expect(byId.status).toBe(200);
    const body = (await byId.json()) as CourseDetail;
    expect(body).toMatchObject({ id: c.id, slug: c.slug, title: "Malaria", status: "published", enrollment: null });
    expect(body).not.toHaveProperty("is_enrolled");
    expect(body.modules).toHaveLength(3);
    expect(body.modules[0]).toEqual({
      id: expect.any(String),
      module_number: 1,
      title: "Module 1 (EN)",
      title_fr: "Module 1 (FR)",
      title_en: "Module 1 (EN)",
      level: 1,
      estimated_hours: 2,
      unit_count: 2,
    });
    expect(body.modules.map((m) => m.module_number)).toEqual([1, 2, 3]);
    const bySlug = (await (await app.request(`${COURSES}/${c.slug}?lang=en`)).json()) as CourseDetail;
    expect(bySlug).toEqual(body);
  });

  it("shows the caller's enrollment state", async () => {
    const learner = await signIn(deps);
    const c = await makeCourse(deps, { modules: 1 });
    const before = (await (
      await app.request(`${COURSES}/${c.id}`, { headers: learner.headers })
    ).json()) as CourseDetail;
    expect(before).toMatchObject({ is_enrolled: false, enrollment: null });
    await deps.db.userCourseEnrollment.create({
      data: { userId: learner.userId, courseId: c.id, completionPct: 40 },
    });
    const after = (await (
      await app.request(`${COURSES}/${c.id}`, { headers: learner.headers })
    ).json()) as CourseDetail;
    expect(after.is_enrolled).toBe(true);
    expect(after.enrollment).toMatchObject({ course_id: c.id, status: "active", completion_pct: 40, dropped_at: null });
  });

  it("trims the detail to ?fields=", async () => {
    const c = await makeCourse(deps, { titleFr: "Vaccination", modules: 1 });
    const res = await app.request(`${COURSES}/${c.slug}?fields=title,module_count`);
    expect(await res.json()).toEqual({ id: c.id, title: "Vaccination", module_count: 1 });
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const c = await makeCourse(deps);
    const tag = (await app.request(`${COURSES}/${c.id}`)).headers.get("etag") as string;
    const res = await app.request(`${COURSES}/${c.id}`, { headers: { "if-none-match": tag } });
    expect(res.status).toBe(304);
  });
});
