/**
 * What bad requests to /api/v1/admin/curricula get: 400s naming the fields (strict bodies, unknown
 * or repeated courses), 404s, and 409s with a French and an English detail; the database and the
 * audit log stay unchanged.
 */
import type { AdminCurriculum, Problem } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/curricula";
const MISSING = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

function send(user: SignedIn, method: string, path: string, body?: unknown, lang = "en") {
  return app.request(path, {
    method,
    headers: { ...user.headers, "content-type": "application/json", "accept-language": lang },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as Problem;
}

async function course(slug: string, status = "published") {
  return deps.db.course.create({ data: { slug, titleFr: `Cours ${slug}`, titleEn: `Course ${slug}`, status } });
}

async function curriculum(admin: SignedIn, body: Record<string, unknown> = {}): Promise<AdminCurriculum> {
  const res = await send(admin, "POST", BASE, { title_fr: "Parcours", title_en: "Track", ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as AdminCurriculum;
}

const audits = () => deps.db.auditLog.count();

describe("strict bodies", () => {
  const cases: [string, string, (id: string) => string, Record<string, unknown>, string[]][] = [
    ["POST", "status on create", () => BASE, { title_fr: "A", title_en: "B", status: "published" }, ["status"]],
    [
      "POST",
      "unknown fields on create",
      () => BASE,
      { title_fr: "A", title_en: "B", id: MISSING, created_by: MISSING },
      ["id", "created_by"],
    ],
    ["POST", "a missing English title", () => BASE, { title_fr: "A" }, ["title_en"]],
    ["POST", "a slug with accents", () => BASE, { title_fr: "A", title_en: "B", slug: "santé" }, ["slug"]],
    ["POST", "a slug shaped like a UUID", () => BASE, { title_fr: "A", title_en: "B", slug: MISSING }, ["slug"]],
    [
      "PATCH",
      "visibility through PATCH",
      (id) => `${BASE}/${id}`,
      { title_fr: "Autre", visibility: "private" },
      ["visibility"],
    ],
    ["PATCH", "an unknown status", (id) => `${BASE}/${id}`, { status: "deleted" }, ["status"]],
    ["PATCH", "an empty title", (id) => `${BASE}/${id}`, { title_fr: "  " }, ["title_fr"]],
    ["PUT", "course ids that are not UUIDs", (id) => `${BASE}/${id}/courses`, { course_ids: ["x"] }, ["course_ids.0"]],
    [
      "PUT",
      "an extra key next to course_ids",
      (id) => `${BASE}/${id}/courses`,
      { course_ids: [], order: 1 },
      ["order"],
    ],
    ["PUT", "an unknown visibility", (id) => `${BASE}/${id}/visibility`, { visibility: "hidden" }, ["visibility"]],
    [
      "POST",
      "two grantees at once",
      (id) => `${BASE}/${id}/access`,
      { user_id: MISSING, group_id: MISSING },
      ["(body)"],
    ],
    ["POST", "no grantee", (id) => `${BASE}/${id}/access`, {}, ["(body)"]],
    ["POST", "a malformed email", (id) => `${BASE}/${id}/access`, { user_email: "nope" }, ["user_email"]],
  ];
  for (const [method, what, path, body, fields] of cases) {
    it(`${method} refuses ${what}, naming ${fields.join(", ")}`, async () => {
      const admin = await signIn(deps, { role: "admin" });
      const cur = await curriculum(admin);
      const before = await audits();
      const res = await send(admin, method, path(cur.id), body);
      const p = await problem(res, 400);
      expect(p.code).toBe("VALIDATION_FAILED");
      expect(p.errors?.map((e) => e.field).sort()).toEqual([...fields].sort());
      expect(await audits()).toBe(before);
      expect(await deps.db.curriculum.findUniqueOrThrow({ where: { id: cur.id } })).toMatchObject({
        status: "draft",
        visibility: "public",
        titleFr: "Parcours",
      });
    });
  }

  it("names the fields in French by default", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const p = await problem(await send(admin, "POST", BASE, { title_fr: "A", title_en: "B", owner: 1 }, "fr"), 400);
    expect(p.errors).toEqual([{ field: "owner", code: "unrecognized_keys", message: "Champ non autorisé." }]);
  });

  it("refuses a path id that is not a UUID", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const p = await problem(await send(admin, "GET", `${BASE}/not-a-uuid`), 400);
    expect(p.errors?.map((e) => e.field)).toEqual(["id"]);
  });
});

describe("PUT /{id}/courses", () => {
  it("names each unknown course, and keeps the old set", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("known");
    const cur = await curriculum(admin);
    expect((await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] })).status).toBe(200);
    const before = await audits();
    const p = await problem(
      await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [MISSING, a.id] }),
      400,
    );
    expect(p.code).toBe("VALIDATION_FAILED");
    expect(p.detail).toBe(`Unknown courses: ${MISSING}.`);
    expect(p.errors).toEqual([
      { field: "course_ids.0", code: "unknown_course", message: `No course has the id ${MISSING}` },
    ]);
    const stored = await deps.db.curriculumCourse.findMany({ where: { curriculumId: cur.id } });
    expect(stored.map((s) => s.courseId)).toEqual([a.id]);
    expect(await audits()).toBe(before);
  });

  it("names a repeated course", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("twice");
    const b = await course("once");
    const cur = await curriculum(admin);
    const p = await problem(
      await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id, b.id, a.id] }),
      400,
    );
    expect(p.errors).toEqual([{ field: "course_ids.2", code: "duplicate", message: `Course ${a.id} is listed twice` }]);
    expect(await deps.db.curriculumCourse.count()).toBe(0);
  });

  it("will not leave a published curriculum without a published course (409)", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("live");
    const d = await course("wip", "draft");
    const cur = await curriculum(admin);
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });
    for (const ids of [[], [d.id]]) {
      const p = await problem(await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: ids }), 409);
      expect(p.code).toBe("CONFLICT");
    }
    expect(
      (await deps.db.curriculumCourse.findMany({ where: { curriculumId: cur.id } })).map((s) => s.courseId),
    ).toEqual([a.id]);
  });
});

describe("status rules (409 CONFLICT, in both languages)", () => {
  it("refuses to publish without a published course, naming what is missing", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const d = await course("only-draft", "draft");
    const cur = await curriculum(admin);
    const empty = await problem(await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" }), 409);
    expect(empty.code).toBe("NOT_PUBLISHABLE");
    expect(empty.detail).toBe("This curriculum cannot be published yet: it needs at least one published course.");
    expect(empty.errors?.map((e) => e.field)).toEqual(["courses"]);
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [d.id] });
    const fr = await problem(await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" }, "fr"), 409);
    expect(fr.detail).toBe("Ce parcours ne peut pas encore être publié : il lui faut au moins un cours publié.");
    expect((await deps.db.curriculum.findUniqueOrThrow({ where: { id: cur.id } })).status).toBe("draft");
    expect(await deps.db.auditLog.count({ where: { action: "curriculum.published" } })).toBe(0);
  });

  it("refuses a published curriculum going back to draft, and a slug change once published", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("p");
    const cur = await curriculum(admin);
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });
    const back = await problem(await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "draft" }), 409);
    expect(back.detail).toBe("A published curriculum cannot become draft.");
    const slug = await problem(await send(admin, "PATCH", `${BASE}/${cur.id}`, { slug: "nouveau" }), 409);
    expect(slug.errors?.map((e) => e.field)).toEqual(["slug"]);
    expect(await deps.db.curriculum.findUniqueOrThrow({ where: { id: cur.id } })).toMatchObject({
      status: "published",
      slug: "parcours",
    });
  });

  it("deletes drafts only: a published or archived curriculum answers 409 with a FR/EN detail", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const a = await course("keep");
    const cur = await curriculum(admin);
    await send(admin, "PUT", `${BASE}/${cur.id}/courses`, { course_ids: [a.id] });
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "published" });
    const en = await problem(await send(admin, "DELETE", `${BASE}/${cur.id}`), 409);
    expect(en.detail).toBe("Only a draft curriculum can be deleted; this one is published. Archive it instead.");
    await send(admin, "PATCH", `${BASE}/${cur.id}`, { status: "archived" });
    const fr = await problem(await send(admin, "DELETE", `${BASE}/${cur.id}`, undefined, "fr"), 409);
    expect(fr.detail).toBe(
      "Seul un parcours en brouillon peut être supprimé ; celui-ci est archivé. Archivez-le plutôt.",
    );
    expect(await deps.db.curriculum.count({ where: { id: cur.id } })).toBe(1);
    expect(await deps.db.auditLog.count({ where: { action: "curriculum.deleted" } })).toBe(0);
  });

  it("answers 409 for a slug another curriculum holds", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await curriculum(admin, { slug: "pris" });
    const p = await problem(await send(admin, "POST", BASE, { slug: "pris", title_fr: "A", title_en: "B" }), 409);
    expect(p.errors?.map((e) => e.field)).toEqual(["slug"]);
    const other = await curriculum(admin, { slug: "libre" });
    expect((await problem(await send(admin, "PATCH", `${BASE}/${other.id}`, { slug: "pris" }), 409)).code).toBe(
      "SLUG_TAKEN",
    );
    expect(await deps.db.curriculum.count()).toBe(2);
  });
});

describe("404s", () => {
  it("answers 404 for a curriculum that does not exist, on every route", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const calls: [string, string, unknown][] = [
      ["GET", `${BASE}/${MISSING}`, undefined],
      ["PATCH", `${BASE}/${MISSING}`, { title_fr: "X" }],
      ["DELETE", `${BASE}/${MISSING}`, undefined],
      ["PUT", `${BASE}/${MISSING}/courses`, { course_ids: [] }],
      ["PUT", `${BASE}/${MISSING}/visibility`, { visibility: "private" }],
      ["GET", `${BASE}/${MISSING}/access`, undefined],
      ["POST", `${BASE}/${MISSING}/access`, { user_id: admin.userId }],
      ["DELETE", `${BASE}/${MISSING}/access`, { user_id: admin.userId }],
    ];
    for (const [method, path, body] of calls) {
      expect([method, path, (await problem(await send(admin, method, path, body), 404)).code]).toEqual([
        method,
        path,
        "NOT_FOUND",
      ]);
    }
    expect(await audits()).toBe(0);
  });

  it("revoking a grant that does not exist is a 404; granting to an unknown user or group is a 400 naming it", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const cur = await curriculum(admin, { visibility: "private" });
    const revoke = await problem(
      await send(admin, "DELETE", `${BASE}/${cur.id}/access`, { user_id: learner.userId }),
      404,
    );
    expect(revoke.detail).toBe("This curriculum has no such grant.");
    for (const [body, field] of [
      [{ user_id: MISSING }, "user_id"],
      [{ user_email: "nobody@example.org" }, "user_email"],
      [{ group_id: MISSING }, "group_id"],
    ] as const) {
      const p = await problem(await send(admin, "POST", `${BASE}/${cur.id}/access`, body), 400);
      expect(p.errors?.map((e) => e.field)).toEqual([field]);
    }
    expect(await deps.db.curriculumAccess.count()).toBe(0);
    expect(await deps.db.auditLog.count({ where: { action: { startsWith: "curriculum.access" } } })).toBe(0);
  });
});
