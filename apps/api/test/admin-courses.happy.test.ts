/**
 * /api/v1/admin/courses and tRPC `admin.courses`: what works. Creating drafts with derived unique
 * slugs, listing with filters and ?fields=, editing with taxonomy replacement, publishing,
 * archiving and deleting, each mutation audited once with the request's id.
 */
import type { AdminCourse, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditRowsFor,
  COURSES,
  call,
  callerFor,
  letExpertsPublish,
  type SeedCourse,
  seedCategory,
  seedCourse,
} from "./admin-courses.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

async function create(user: SignedIn, body: unknown, requestId?: string): Promise<AdminCourse> {
  const res = await call(app, "POST", COURSES, {
    as: user,
    body,
    headers: requestId ? { "x-request-id": requestId } : {},
  });
  expect(res.status).toBe(201);
  return (await res.json()) as AdminCourse;
}

async function list(user: SignedIn, query = ""): Promise<Page<Partial<AdminCourse>>> {
  const res = await call(app, "GET", `${COURSES}${query}`, { as: user });
  expect(res.status).toBe(200);
  return (await res.json()) as Page<Partial<AdminCourse>>;
}

describe("POST /api/v1/admin/courses", () => {
  it("creates a draft with a slug derived from the French title, audited once with the request id", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await call(app, "POST", COURSES, {
      as: admin,
      body: {
        title_fr: "Santé publique : l'essentiel",
        title_en: "Public health essentials",
        description_fr: "Pour les agents de santé.",
        languages: ["en", "fr"],
        estimated_hours: 12,
        price_credits: 0,
        visibility: "private",
        cover_image_url: "https://cdn.sira.africa/covers/sante.webp",
        is_marketplace: true,
      },
      headers: { "x-request-id": "create-course-0001" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("create-course-0001");
    const course = (await res.json()) as AdminCourse;
    expect(course).toMatchObject({
      slug: "sante-publique-l-essentiel",
      title: "Santé publique : l'essentiel",
      status: "draft",
      creation_step: "upload",
      visibility: "private",
      languages: ["en", "fr"],
      estimated_hours: 12,
      is_marketplace: true,
      module_count: 0,
      created_by: admin.userId,
      expert_id: null,
      published_at: null,
      description_en: null,
      taxonomy: [],
    });

    const audit = await auditRowsFor(deps, course.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.userId,
      action: "course.created",
      targetType: "course",
      targetId: course.id,
      requestId: "create-course-0001",
      before: null,
    });
    expect(audit[0]?.after).toMatchObject({ slug: "sante-publique-l-essentiel", status: "draft", taxonomy_ids: [] });
  });

  it("derives from the English title when there is no French one", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const course = await create(admin, { title_en: "Malaria Control 101" });
    expect(course.slug).toBe("malaria-control-101");
    expect(course.title_fr).toBe("");
    // The resolved title falls back to English for a French reader.
    expect(course.title).toBe("Malaria Control 101");
  });

  it("suffixes -2, -3 when the derived slug is taken", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const slugs = [];
    for (let i = 0; i < 3; i += 1) slugs.push((await create(admin, { title_fr: "Épidémiologie" })).slug);
    expect(slugs).toEqual(["epidemiologie", "epidemiologie-2", "epidemiologie-3"]);
  });

  it("keeps an explicit slug and links taxonomy categories", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const domain = await seedCategory(deps, "sante", "domain");
    const level = await seedCategory(deps, "debutant", "level");
    const course = await create(admin, {
      title_fr: "Nutrition",
      slug: "nutrition-infantile",
      taxonomy_ids: [level, domain],
    });
    expect(course.slug).toBe("nutrition-infantile");
    expect(course.taxonomy.map((t) => t.slug)).toEqual(["sante", "debutant"]);
  });

  it("makes an expert the course's expert and author", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const course = await create(expert, { title_fr: "Paludisme" });
    expect(course.expert_id).toBe(expert.userId);
    expect(course.created_by).toBe(expert.userId);
  });

  it("lets an admin name the expert", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const expert = await signIn(deps, { role: "expert" });
    const course = await create(admin, { title_fr: "Vaccination", expert_id: expert.userId });
    expect(course.expert_id).toBe(expert.userId);
    expect(course.created_by).toBe(admin.userId);
  });
});

describe("GET /api/v1/admin/courses", () => {
  async function catalogue() {
    const expert = await signIn(deps, { role: "expert" });
    const sante = await seedCategory(deps, "sante");
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
    const seeds: SeedCourse[] = [
      { slug: "draft-one", titleFr: "Santé maternelle", status: "draft", updatedAt: at(1) },
      { slug: "published-one", titleFr: "Hygiène", status: "published", updatedAt: at(3), expertId: expert.userId },
      { slug: "archived-one", titleFr: "Nutrition", status: "archived", visibility: "private", updatedAt: at(2) },
    ];
    const ids: string[] = [];
    for (const seed of seeds) ids.push((await seedCourse(deps, seed)).id);
    await deps.db.courseTaxonomy.create({ data: { courseId: ids[0] as string, categoryId: sante } });
    return { expert, ids };
  }

  it("lists every status, most recently changed first, in the page envelope", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await catalogue();
    const page = await list(admin);
    expect(page.items.map((c) => c.slug)).toEqual(["published-one", "archived-one", "draft-one"]);
    expect(page).toMatchObject({ page: 1, limit: 20, total: 3, has_more: false });
  });

  it("filters by status, visibility, expert, taxonomy slug or id, and accent-insensitive title search", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const { expert, ids } = await catalogue();
    const slugs = async (q: string) => (await list(admin, q)).items.map((c) => c.slug);
    expect(await slugs("?status=draft")).toEqual(["draft-one"]);
    expect(await slugs("?visibility=private")).toEqual(["archived-one"]);
    expect(await slugs(`?expert_id=${expert.userId}`)).toEqual(["published-one"]);
    expect(await slugs("?taxonomy=sante")).toEqual(["draft-one"]);
    const category = await deps.db.courseTaxonomy.findFirstOrThrow({ where: { courseId: ids[0] as string } });
    expect(await slugs(`?taxonomy=${category.categoryId}`)).toEqual(["draft-one"]);
    expect(await slugs("?search=sante")).toEqual(["draft-one"]);
    expect(await slugs("?search=HYGIENE")).toEqual(["published-one"]);
    expect(await slugs("?search=public%20health")).toEqual(["published-one", "archived-one", "draft-one"]);
    // LIKE wildcards in the search match literally.
    expect(await slugs("?search=%25")).toEqual([]);
    expect(await slugs("?search=_")).toEqual([]);
    expect(await slugs("?status=draft&search=hygiene")).toEqual([]);
  });

  it("pages with ?page=&limit= and trims with ?fields= (id always kept)", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await catalogue();
    const page = await list(admin, "?page=2&limit=2&fields=slug,status");
    expect(page).toEqual({
      items: [{ id: expect.any(String), slug: "draft-one", status: "draft" }],
      page: 2,
      limit: 2,
      total: 3,
      has_more: false,
    });
    expect((await list(admin, "?limit=2")).has_more).toBe(true);
  });

  it("resolves title to the request language", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await catalogue();
    const res = await call(app, "GET", `${COURSES}?status=draft&lang=en&fields=title`, { as: admin });
    expect(((await res.json()) as Page<AdminCourse>).items[0]?.title).toBe("Public health");
  });

  it("GET /{id} returns one course", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const { ids } = await catalogue();
    const res = await call(app, "GET", `${COURSES}/${ids[0]}`, { as: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AdminCourse).slug).toBe("draft-one");
  });
});

describe("PATCH /api/v1/admin/courses/{id}", () => {
  it("changes fields, replaces the taxonomy and audits only what changed", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const [a, b, c] = [await seedCategory(deps, "a"), await seedCategory(deps, "b"), await seedCategory(deps, "c")];
    const course = await create(admin, { title_fr: "Ancien titre", taxonomy_ids: [a, b], price_credits: 5 });
    const res = await call(app, "PATCH", `${COURSES}/${course.id}`, {
      as: admin,
      body: { title_fr: "Nouveau titre", price_credits: 5, taxonomy_ids: [b, c], description_en: "Now in English" },
      headers: { "x-request-id": "patch-course-0001" },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as AdminCourse;
    expect(updated.title_fr).toBe("Nouveau titre");
    expect(updated.slug).toBe(course.slug); // a slug never follows the title on its own
    expect(updated.taxonomy.map((t) => t.slug)).toEqual(["b", "c"]);
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(course.updated_at));

    const audit = await auditRowsFor(deps, course.id);
    expect(audit.map((r) => r.action)).toEqual(["course.created", "course.updated"]);
    expect(audit[1]).toMatchObject({
      actorId: admin.userId,
      requestId: "patch-course-0001",
      before: { title_fr: "Ancien titre", description_en: null, taxonomy_ids: [a, b].sort() },
      after: { title_fr: "Nouveau titre", description_en: "Now in English", taxonomy_ids: [b, c].sort() },
    });
  });

  it("sending the current values changes nothing and writes no audit row", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const course = await create(admin, { title_fr: "Stable" });
    const res = await call(app, "PATCH", `${COURSES}/${course.id}`, { as: admin, body: { title_fr: "Stable" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AdminCourse).updated_at).toBe(course.updated_at);
    expect(await auditRowsFor(deps, course.id)).toHaveLength(1);
  });

  it("lets an admin reassign the expert", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const expert = await signIn(deps, { role: "expert" });
    const course = await create(admin, { title_fr: "Réassigné" });
    const res = await call(app, "PATCH", `${COURSES}/${course.id}`, { as: admin, body: { expert_id: expert.userId } });
    expect(((await res.json()) as AdminCourse).expert_id).toBe(expert.userId);
    // Without a client id, the audit row carries the one the server generated and answered with.
    const generated = res.headers.get("x-request-id");
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await auditRowsFor(deps, course.id))[1]).toMatchObject({
      requestId: generated,
      before: { expert_id: null },
      after: { expert_id: expert.userId },
    });
  });
});

describe("publish, archive and delete", () => {
  it("publishes a complete course: status, published_at, creation step and module count, audited", async () => {
    const expert = await signIn(deps, { role: "expert" });
    await letExpertsPublish(app, await signIn(deps, { role: "admin" }), true);
    const { id } = await seedCourse(deps, { expertId: expert.userId, modules: 2 });
    const res = await call(app, "POST", `${COURSES}/${id}/publish`, {
      as: expert,
      headers: { "x-request-id": "publish-course-0001" },
    });
    expect(res.status).toBe(200);
    const course = (await res.json()) as AdminCourse;
    expect(course).toMatchObject({ status: "published", creation_step: "published", module_count: 2 });
    expect(course.published_at).not.toBeNull();
    const audit = await auditRowsFor(deps, id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "course.published",
      actorId: expert.userId,
      requestId: "publish-course-0001",
      before: { status: "draft", creation_step: "upload", module_count: 0, published_at: null },
      after: { status: "published", creation_step: "published", module_count: 2, published_at: course.published_at },
    });
  });

  it("publishing a published course changes nothing and audits nothing", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const { id } = await seedCourse(deps, { status: "published", modules: 1 });
    const res = await call(app, "POST", `${COURSES}/${id}/publish`, { as: admin });
    expect(res.status).toBe(200);
    expect(await auditRowsFor(deps, id)).toHaveLength(0);
  });

  it("archives a published course, audited; it can be published again", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const { id } = await seedCourse(deps, { status: "published", modules: 1 });
    const res = await call(app, "POST", `${COURSES}/${id}/archive`, {
      as: admin,
      headers: { "x-request-id": "archive-course-0001" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AdminCourse).status).toBe("archived");
    const audit = await auditRowsFor(deps, id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "course.archived",
      requestId: "archive-course-0001",
      before: { status: "published" },
      after: { status: "archived" },
    });
    const again = await call(app, "POST", `${COURSES}/${id}/publish`, { as: admin });
    expect(((await again.json()) as AdminCourse).status).toBe("published");
  });

  it("deletes a draft with its modules, audited with the full before state", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const { id } = await seedCourse(deps, { slug: "brouillon", modules: 1 });
    const res = await call(app, "DELETE", `${COURSES}/${id}`, {
      as: admin,
      headers: { "x-request-id": "delete-course-0001" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, deleted: true });
    expect(await deps.db.course.findUnique({ where: { id } })).toBeNull();
    expect(await deps.db.module.count({ where: { courseId: id } })).toBe(0);
    const audit = await auditRowsFor(deps, id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "course.deleted",
      actorId: admin.userId,
      requestId: "delete-course-0001",
      before: { slug: "brouillon", status: "draft" },
      after: null,
    });
  });
});

describe("tRPC admin.courses", () => {
  it("runs the same use cases: create, list, get, update, publish, archive, delete", async () => {
    const expert = await signIn(deps, { role: "expert" });
    await letExpertsPublish(app, await signIn(deps, { role: "admin" }), true);
    const trpc = await callerFor(deps, expert, "fr", "trpc-courses-0001");
    const created = await trpc.admin.courses.create({ title_fr: "Premiers secours", title_en: "First aid" });
    expect(created).toMatchObject({ slug: "premiers-secours", status: "draft", expert_id: expert.userId });
    expect((await trpc.admin.courses.list({})).items.map((c) => c.slug)).toEqual(["premiers-secours"]);
    expect((await trpc.admin.courses.get({ id: created.id })).title).toBe("Premiers secours");

    const updated = await trpc.admin.courses.update({
      id: created.id,
      description_fr: "Gestes qui sauvent.",
      description_en: "Life-saving skills.",
    });
    expect(updated.description).toBe("Gestes qui sauvent.");
    await deps.db.module.create({
      data: {
        courseId: created.id,
        moduleNumber: 1,
        level: 1,
        titleFr: "M1",
        titleEn: "M1",
        descriptionFr: "D",
        descriptionEn: "D",
        estimatedHours: 1,
        bloomLevel: "apply",
      },
    });
    expect((await trpc.admin.courses.publish({ id: created.id })).status).toBe("published");
    expect((await trpc.admin.courses.archive({ id: created.id })).status).toBe("archived");

    const draft = await trpc.admin.courses.create({ title_en: "Temporary" });
    expect(await trpc.admin.courses.delete({ id: draft.id })).toEqual({ id: draft.id, deleted: true });

    const audit = await deps.db.auditLog.findMany({ where: { actorId: expert.userId }, orderBy: { createdAt: "asc" } });
    expect(audit.map((r) => r.action)).toEqual([
      "course.created",
      "course.updated",
      "course.published",
      "course.archived",
      "course.created",
      "course.deleted",
    ]);
    expect(new Set(audit.map((r) => r.requestId))).toEqual(new Set(["trpc-courses-0001"]));
  });
});

describe("/openapi.json", () => {
  it("documents the back-office course, audit-log and analytics routes", async () => {
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths[COURSES] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths[`${COURSES}/{id}`] ?? {}).sort()).toEqual(["delete", "get", "patch"]);
    expect(doc.paths[`${COURSES}/{id}/publish`]?.post).toBeDefined();
    expect(doc.paths[`${COURSES}/{id}/archive`]?.post).toBeDefined();
    expect(doc.paths["/api/v1/admin/audit-log"]?.get).toBeDefined();
    expect(doc.paths["/api/v1/admin/analytics/overview"]?.get).toBeDefined();
  });
});
