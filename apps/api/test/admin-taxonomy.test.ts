/**
 * /api/v1/admin/taxonomy and tRPC `admin.taxonomy`: categories are created, listed (inactive too),
 * edited and deleted; a category in use cannot be deleted or re-keyed (409); bad input gets 400s
 * naming the fields; every change leaves one audit row from its request.
 */
import type { AdminTaxonomyCategory, Page, Problem } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/taxonomy";
const MISSING = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const send = jsonSender(app, "taxonomy-test");

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  return (await res.json()) as Problem;
}

async function category(admin: SignedIn, body: Record<string, unknown>): Promise<AdminTaxonomyCategory> {
  const res = await send(admin, "POST", BASE, body);
  expect(res.status).toBe(201);
  return (await res.json()) as AdminTaxonomyCategory;
}

async function usedBy(categoryId: string, slug = `course-${categoryId.slice(0, 8)}`) {
  const course = await deps.db.course.create({ data: { slug, titleFr: "Cours", titleEn: "Course" } });
  await deps.db.courseTaxonomy.create({ data: { courseId: course.id, categoryId } });
}

async function auditOf(action: string, res: Response) {
  const rows = await deps.db.auditLog.findMany({ where: { action } });
  expect(rows).toHaveLength(1);
  expect(rows[0]?.requestId).toBe(res.headers.get("x-request-id"));
  return rows[0];
}

describe("creating and listing", () => {
  it("creates with a slug folded from label_fr, and audits it", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await send(admin, "POST", BASE, {
      type: "domain",
      label_fr: "Santé Publique",
      label_en: "Public health",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as AdminTaxonomyCategory;
    expect(body).toMatchObject({
      type: "domain",
      slug: "sante-publique",
      label: "Public health",
      sort_order: 0,
      is_active: true,
      course_count: 0,
    });
    const audit = await auditOf("taxonomy.created", res);
    expect(audit).toMatchObject({ actorId: admin.userId, targetType: "taxonomy_category", targetId: body.id });
    expect(audit?.after).toMatchObject({ slug: "sante-publique", label_en: "Public health" });
  });

  it("lists every category, inactive ones too, by type then sort order, and filters by ?type=", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const l2 = await category(admin, {
      type: "level",
      slug: "avance",
      label_fr: "Avancé",
      label_en: "Advanced",
      sort_order: 2,
    });
    const l1 = await category(admin, {
      type: "level",
      slug: "debutant",
      label_fr: "Débutant",
      label_en: "Beginner",
      sort_order: 1,
      is_active: false,
    });
    const d = await category(admin, { type: "domain", label_fr: "Nutrition", label_en: "Nutrition" });
    await usedBy(d.id);
    const all = (await (await send(admin, "GET", BASE)).json()) as Page<AdminTaxonomyCategory>;
    expect(all.items.map((c) => [c.slug, c.is_active, c.course_count])).toEqual([
      ["nutrition", true, 1],
      ["debutant", false, 0],
      ["avance", true, 0],
    ]);
    expect(all).toMatchObject({ total: 3, limit: 100 });
    const levels = (await (await send(admin, "GET", `${BASE}?type=level`)).json()) as Page<AdminTaxonomyCategory>;
    expect(levels.items.map((c) => c.id)).toEqual([l1.id, l2.id]);
  });

  it("lists with the same number of SQL statements for 5 and 50 categories", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const course = await deps.db.course.create({ data: { slug: "shared", titleFr: "C", titleEn: "C" } });
    for (let n = 0; n < 50; n += 1) {
      const c = await deps.db.taxonomyCategory.create({
        data: { type: "audience", slug: `public-${n}`, labelFr: `P${n}`, labelEn: `A${n}` },
      });
      await deps.db.courseTaxonomy.create({ data: { courseId: course.id, categoryId: c.id } });
    }
    const count = async (limit: number) =>
      countQueries(deps, async () => {
        const page = (await (await send(admin, "GET", `${BASE}?limit=${limit}`)).json()) as Page<AdminTaxonomyCategory>;
        expect(page.items).toHaveLength(limit);
        expect(page.items.every((c) => c.course_count === 1)).toBe(true);
      });
    const small = await count(5);
    expect(await count(50)).toBe(small);
    expect(small).toBeLessThanOrEqual(3);
  });
});

describe("editing", () => {
  it("edits labels, order and activity, auditing only what changed", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const c = await category(admin, { type: "audience", label_fr: "Infirmiers", label_en: "Nurses" });
    await usedBy(c.id);
    const res = await send(admin, "PATCH", `${BASE}/${c.id}`, {
      label_fr: "Infirmiers",
      label_en: "Nursing staff",
      sort_order: 4,
      is_active: false,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      label_en: "Nursing staff",
      sort_order: 4,
      is_active: false,
      slug: "infirmiers",
    });
    const audit = await auditOf("taxonomy.updated", res);
    expect([audit?.before, audit?.after]).toEqual([
      { label_en: "Nurses", sort_order: 0, is_active: true },
      { label_en: "Nursing staff", sort_order: 4, is_active: false },
    ]);
  });

  it("changes type and slug while unused, refuses them (409) once a course uses the category", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const c = await category(admin, { type: "domain", label_fr: "Hygiène", label_en: "Hygiene" });
    const moved = await send(admin, "PATCH", `${BASE}/${c.id}`, { type: "audience", slug: "hygiene-hospitaliere" });
    expect(await moved.json()).toMatchObject({ type: "audience", slug: "hygiene-hospitaliere" });
    await usedBy(c.id);
    for (const body of [{ slug: "autre" }, { type: "level" }]) {
      const p = await problem(await send(admin, "PATCH", `${BASE}/${c.id}`, body), 409);
      expect(p.code).toBe("IN_USE");
      expect(p.errors?.map((e) => e.field)).toEqual(Object.keys(body));
    }
    expect(await deps.db.taxonomyCategory.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
      type: "audience",
      slug: "hygiene-hospitaliere",
    });
  });
});

describe("deleting", () => {
  it("refuses (409, FR/EN) while a course uses the category, then deletes it and leaves a tombstone", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const c = await category(admin, { type: "domain", label_fr: "Pédiatrie", label_en: "Paediatrics" });
    await usedBy(c.id, "pedia-course");
    const en = await problem(await send(admin, "DELETE", `${BASE}/${c.id}`), 409);
    expect(en.detail).toBe("This category is used by 1 course(s); remove it from them, or deactivate it instead.");
    const fr = await problem(await send(admin, "DELETE", `${BASE}/${c.id}`, undefined, "fr"), 409);
    expect(fr.detail).toBe(
      "Cette catégorie est utilisée par 1 cours ; retirez-la de ces cours, ou désactivez-la plutôt.",
    );
    expect(await deps.db.auditLog.count({ where: { action: "taxonomy.deleted" } })).toBe(0);

    await deps.db.courseTaxonomy.deleteMany({ where: { categoryId: c.id } });
    const res = await send(admin, "DELETE", `${BASE}/${c.id}`);
    expect(res.status).toBe(200);
    expect(await deps.db.taxonomyCategory.count({ where: { id: c.id } })).toBe(0);
    const audit = await auditOf("taxonomy.deleted", res);
    expect(audit?.before).toMatchObject({ slug: "pediatrie", type: "domain" });
    expect(
      await deps.db.syncTombstone.count({ where: { entity: "taxonomy_categories", entityId: c.id, userId: null } }),
    ).toBe(1);
  });
});

describe("bad input", () => {
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    ["POST", "an unknown type", { type: "topic", label_fr: "A", label_en: "B" }, ["type"]],
    ["POST", "an invalid slug", { type: "domain", slug: "Avec Espace", label_fr: "A", label_en: "B" }, ["slug"]],
    ["POST", "a missing label", { type: "domain", label_fr: "A" }, ["label_en"]],
    ["POST", "an unknown field", { type: "domain", label_fr: "A", label_en: "B", id: MISSING }, ["id"]],
    ["POST", "a negative sort order", { type: "domain", label_fr: "A", label_en: "B", sort_order: -1 }, ["sort_order"]],
    ["PATCH", "an unknown field", { label_fr: "A", course_count: 0 }, ["course_count"]],
    ["PATCH", "a non-boolean is_active", { is_active: "yes" }, ["is_active"]],
  ];
  for (const [method, what, body, fields] of cases) {
    it(`${method} refuses ${what}, naming ${fields.join(", ")}`, async () => {
      const admin = await signIn(deps, { role: "admin" });
      const c = await category(admin, { type: "level", slug: "base", label_fr: "Base", label_en: "Base" });
      const before = await deps.db.auditLog.count();
      const p = await problem(await send(admin, method, method === "POST" ? BASE : `${BASE}/${c.id}`, body), 400);
      expect(p.code).toBe("VALIDATION_FAILED");
      expect(p.errors?.map((e) => e.field)).toEqual(fields);
      expect(await deps.db.auditLog.count()).toBe(before);
      expect(await deps.db.taxonomyCategory.count()).toBe(1);
    });
  }

  it("answers 409 for a taken slug and 404 for an unknown category", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await category(admin, { type: "level", slug: "base", label_fr: "Base", label_en: "Base" });
    const p = await problem(
      await send(admin, "POST", BASE, { type: "domain", slug: "base", label_fr: "X", label_en: "X" }),
      409,
    );
    expect(p.errors?.map((e) => e.field)).toEqual(["slug"]);
    expect((await problem(await send(admin, "PATCH", `${BASE}/${MISSING}`, { label_fr: "X" }), 404)).code).toBe(
      "NOT_FOUND",
    );
    expect((await problem(await send(admin, "DELETE", `${BASE}/${MISSING}`), 404)).code).toBe("NOT_FOUND");
  });
});

describe("tRPC admin.taxonomy", () => {
  it("creates, updates and deletes with the context's request id in the audit log", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const caller = await callerAs(deps, admin, { requestId: "trpc-taxonomy-0001" });
    const c = await caller.admin.taxonomy.create({ type: "level", label_fr: "Expert", label_en: "Expert level" });
    expect(c.label).toBe("Expert");
    expect((await caller.admin.taxonomy.update({ id: c.id, sort_order: 9 })).sort_order).toBe(9);
    expect((await caller.admin.taxonomy.list({ page: 1, limit: 10, type: "level" })).items.map((i) => i.id)).toEqual([
      c.id,
    ]);
    expect(await caller.admin.taxonomy.delete({ id: c.id })).toEqual({ deleted: true });
    const rows = await deps.db.auditLog.findMany({ where: { targetId: c.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.action, r.requestId])).toEqual([
      ["taxonomy.created", "trpc-taxonomy-0001"],
      ["taxonomy.updated", "trpc-taxonomy-0001"],
      ["taxonomy.deleted", "trpc-taxonomy-0001"],
    ]);
  });
});
