/**
 * /api/v1/admin/courses: what bad input gets. Strict schemas (no mass assignment), slug and
 * taxonomy checks, 409s for deleting a non-draft and for publishing an incomplete course, with
 * the missing pieces named in French and English. Nothing is written or audited when refused.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { auditRowsFor, COURSES, call, callerFor, problemOf, seedCourse } from "./admin-courses.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

let admin: SignedIn;
beforeEach(async () => {
  admin = await signIn(deps, { role: "admin" });
});

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const problem = await problemOf(res);
  expect(problem.code).toBe(code);
  return problem;
}

describe("POST /api/v1/admin/courses with bad input", () => {
  const cases: [string, unknown, string][] = [
    ["status (mass assignment)", { title_fr: "T", status: "published" }, "status"],
    ["created_by", { title_fr: "T", created_by: "00000000-0000-4000-8000-000000000000" }, "created_by"],
    ["module_count", { title_fr: "T", module_count: 3 }, "module_count"],
    ["creation_step", { title_fr: "T", creation_step: "published" }, "creation_step"],
    ["a negative price", { title_fr: "T", price_credits: -1 }, "price_credits"],
    ["a fractional price", { title_fr: "T", price_credits: 1.5 }, "price_credits"],
    ["no title at all", { description_fr: "Sans titre" }, "title_fr"],
    ["a blank title", { title_fr: "   " }, "title_fr"],
    ["a slug the database would refuse", { title_fr: "T", slug: "Santé--Publique" }, "slug"],
    ["a javascript: cover", { title_fr: "T", cover_image_url: "javascript:alert(1)" }, "cover_image_url"],
    ["an unknown visibility", { title_fr: "T", visibility: "secret" }, "visibility"],
    ["an unknown language", { title_fr: "T", languages: ["fr", "wo"] }, "languages.1"],
    ["languages as a comma-separated string", { title_fr: "T", languages: "fr,en" }, "languages"],
    ["a repeated language", { title_fr: "T", languages: ["fr", "fr"] }, "languages"],
    ["no language", { title_fr: "T", languages: [] }, "languages"],
    ["a duplicated category", { title_fr: "T", taxonomy_ids: Array(2).fill(crypto.randomUUID()) }, "taxonomy_ids"],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}: 400 naming ${field}`, async () => {
      const res = await call(app, "POST", COURSES, { as: admin, body });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.map((e) => e.field)).toContain(field);
      expect(await deps.db.course.count()).toBe(0);
      expect(await deps.db.auditLog.count()).toBe(0);
    });
  }

  it("refuses an unknown taxonomy category: 400 naming it", async () => {
    const unknown = crypto.randomUUID();
    const res = await call(app, "POST", COURSES, { as: admin, body: { title_fr: "T", taxonomy_ids: [unknown] } });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([
      { field: "taxonomy_ids", code: "custom", message: expect.stringContaining(unknown) },
    ]);
  });

  it("refuses an expert_id that is not an expert's account", async () => {
    const learner = await signIn(deps);
    const res = await call(app, "POST", COURSES, { as: admin, body: { title_fr: "T", expert_id: learner.userId } });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.[0]?.field).toBe("expert_id");
  });

  it("answers 409 for an explicit slug already taken, in the request's language", async () => {
    await seedCourse(deps, { slug: "pris" });
    const res = await call(app, "POST", COURSES, {
      as: admin,
      body: { title_fr: "T", slug: "pris" },
      headers: { "accept-language": "fr" },
    });
    const problem = await expectProblem(res, 409, "SLUG_TAKEN");
    expect(problem.detail).toBe("L'identifiant « pris » est déjà utilisé par un autre cours.");
    expect(problem.errors).toEqual([{ field: "slug", code: "slug_taken", message: expect.any(String) }]);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await app.request(COURSES, {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: "{oops",
    });
    expect(res.status).toBe(400);
  });
});

describe("PATCH /api/v1/admin/courses/{id} with bad input", () => {
  it("refuses status, created_by and module_count by name (no mass assignment)", async () => {
    const { id } = await seedCourse(deps);
    const res = await call(app, "PATCH", `${COURSES}/${id}`, {
      as: admin,
      body: { title_fr: "Nouveau", status: "published", created_by: admin.userId, module_count: 9 },
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(["created_by", "module_count", "status"]);
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
  });

  it("refuses an empty change", async () => {
    const { id } = await seedCourse(deps);
    await expectProblem(
      await call(app, "PATCH", `${COURSES}/${id}`, { as: admin, body: {} }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("refuses a slug another course holds: 409", async () => {
    await seedCourse(deps, { slug: "autre" });
    const { id } = await seedCourse(deps, { slug: "moi" });
    const res = await call(app, "PATCH", `${COURSES}/${id}`, { as: admin, body: { slug: "autre" } });
    await expectProblem(res, 409, "SLUG_TAKEN");
    expect(await auditRowsFor(deps, id)).toHaveLength(0);
  });

  it("refuses a slug the catalog's own routes use: 400 naming slug", async () => {
    const { id } = await seedCourse(deps, { slug: "moi" });
    for (const slug of ["taxonomy", "my-enrollments"]) {
      const res = await call(app, "PATCH", `${COURSES}/${id}`, { as: admin, body: { slug } });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.[0]?.field).toBe("slug");
    }
  });

  it("refuses a slug shaped like a UUID, which would shadow a course's id in the catalog: 400", async () => {
    const victim = await seedCourse(deps, { status: "published", modules: 1 });
    const { id } = await seedCourse(deps, { slug: "moi", expertId: admin.userId });
    const patch = await call(app, "PATCH", `${COURSES}/${id}`, { as: admin, body: { slug: victim.id } });
    expect((await expectProblem(patch, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe("slug");
    const create = await call(app, "POST", COURSES, { as: admin, body: { title_fr: "T", slug: crypto.randomUUID() } });
    expect((await expectProblem(create, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe("slug");
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).slug).toBe("moi");
    expect(await deps.db.course.count()).toBe(2);
  });

  it("never derives a UUID-shaped slug from a title", async () => {
    const title = crypto.randomUUID();
    const res = await call(app, "POST", COURSES, { as: admin, body: { title_fr: title } });
    expect(res.status).toBe(201);
    const { slug } = (await res.json()) as { slug: string };
    expect(slug).not.toBe(title);
    expect(slug.startsWith(title)).toBe(true);
  });

  it("refuses to leave a published course without a description: 409 naming it", async () => {
    const { id } = await seedCourse(deps, { status: "published", modules: 1 });
    const res = await call(app, "PATCH", `${COURSES}/${id}`, {
      as: admin,
      body: { description_en: null },
      headers: { "accept-language": "en" },
    });
    const problem = await expectProblem(res, 409, "NOT_PUBLISHABLE");
    expect(problem.detail).toBe(
      "A published course must keep its titles and descriptions in both languages. Missing: the English description.",
    );
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).descriptionEn).not.toBeNull();
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    await expectProblem(
      await call(app, "PATCH", `${COURSES}/${crypto.randomUUID()}`, { as: admin, body: { title_fr: "X" } }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(app, "PATCH", `${COURSES}/not-a-uuid`, { as: admin, body: { title_fr: "X" } }),
      400,
      "VALIDATION_FAILED",
    );
  });
});

describe("DELETE /api/v1/admin/courses/{id} once published", () => {
  for (const status of ["published", "archived"] as const) {
    it(`answers 409 for a ${status} course, with a reason in errors and FR/EN details`, async () => {
      const { id } = await seedCourse(deps, { status, modules: 1 });
      const en = await call(app, "DELETE", `${COURSES}/${id}`, { as: admin, headers: { "accept-language": "en" } });
      const problem = await expectProblem(en, 409, "NOT_DRAFT");
      expect(problem.detail).toBe(`Only a draft can be deleted; this course is ${status}. Archive it instead.`);
      expect(problem.errors).toEqual([{ field: "status", code: "not_draft", message: `The course is ${status}` }]);
      const fr = await call(app, "DELETE", `${COURSES}/${id}`, { as: admin, headers: { "accept-language": "fr" } });
      expect((await problemOf(fr)).detail).toMatch(
        /^Seul un brouillon peut être supprimé ; ce cours est (publié|archivé)\./,
      );
      expect(await deps.db.course.count({ where: { id } })).toBe(1);
      expect(await auditRowsFor(deps, id)).toHaveLength(0);
    });
  }

  it("answers 409 when a purchase still refers to the draft", async () => {
    const learner = await signIn(deps);
    const { id } = await seedCourse(deps);
    const account = await deps.db.creditAccount.create({ data: { userId: learner.userId } });
    await deps.db.transaction.create({
      data: { accountId: account.id, type: "course_purchase", amount: -5, balanceAfter: 0, courseId: id },
    });
    const res = await call(app, "DELETE", `${COURSES}/${id}`, { as: admin });
    const problem = await expectProblem(res, 409, "IN_USE");
    expect(problem.errors?.[0]?.code).toBe("referenced");
    expect(await auditRowsFor(deps, id)).toHaveLength(0);
  });
});

describe("POST /api/v1/admin/courses/{id}/publish refused", () => {
  it("names every missing piece, in French and in English, and changes nothing", async () => {
    const { id } = await seedCourse(deps, { titleEn: "", descriptionFr: null, modules: 0 });
    const fr = await call(app, "POST", `${COURSES}/${id}/publish`, { as: admin, headers: { "accept-language": "fr" } });
    const frProblem = await expectProblem(fr, 409, "NOT_PUBLISHABLE");
    expect(frProblem.detail).toBe(
      "Ce cours ne peut pas encore être publié. Il manque : le titre en anglais, la description en français, au moins un module.",
    );
    expect(frProblem.errors?.map((e) => [e.field, e.code])).toEqual([
      ["title_en", "missing"],
      ["description_fr", "missing"],
      ["modules", "missing"],
    ]);
    const en = await call(app, "POST", `${COURSES}/${id}/publish`, { as: admin, headers: { "accept-language": "en" } });
    expect((await problemOf(en)).detail).toBe(
      "This course cannot be published yet. Missing: the English title, the French description, at least one module.",
    );
    expect((await deps.db.course.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
    expect(await auditRowsFor(deps, id)).toHaveLength(0);
  });

  it("refuses a course whose only gap is its modules", async () => {
    const { id } = await seedCourse(deps);
    const problem = await expectProblem(
      await call(app, "POST", `${COURSES}/${id}/publish`, { as: admin }),
      409,
      "NOT_PUBLISHABLE",
    );
    expect(problem.errors?.map((e) => e.field)).toEqual(["modules"]);
  });

  it("carries the same code and message through tRPC", async () => {
    const { id } = await seedCourse(deps, { descriptionEn: "  ", modules: 1 });
    const trpc = await callerFor(deps, admin, "en");
    const error = await trpc.admin.courses.publish({ id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect((error as TRPCError).message).toBe("This course cannot be published yet. Missing: the English description.");
  });
});

describe("GET /api/v1/admin/courses with bad queries", () => {
  const cases: [string, number, string][] = [
    ["?fields=slug,secret", 400, "UNKNOWN_FIELDS"],
    ["?status=deleted", 400, "VALIDATION_FAILED"],
    ["?visibility=hidden", 400, "VALIDATION_FAILED"],
    ["?limit=101", 400, "VALIDATION_FAILED"],
    ["?page=0", 400, "VALIDATION_FAILED"],
    ["?expert_id=bob", 400, "VALIDATION_FAILED"],
  ];
  for (const [query, status, code] of cases) {
    it(`${query} → ${status} ${code}`, async () => {
      await expectProblem(await call(app, "GET", `${COURSES}${query}`, { as: admin }), status, code);
    });
  }
});
