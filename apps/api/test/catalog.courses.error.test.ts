/** /api/v1/courses and /api/v1/courses/{id_or_slug}: what bad input gets. */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const COURSES = "/api/v1/courses";

async function problem(path: string): Promise<{ status: number; code: string; errors?: { field: string }[] }> {
  const res = await app.request(path);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as { code: string; errors?: { field: string }[] };
  return { status: res.status, ...body };
}

describe("GET /api/v1/courses (errors)", () => {
  it("refuses pages and limits out of range, naming the field", async () => {
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?page=0", "page"],
      ["?page=abc", "page"],
    ] as const) {
      const p = await problem(`${COURSES}${query}`);
      expect(p.status, query).toBe(400);
      expect(p.code).toBe("VALIDATION_FAILED");
      expect(p.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it("refuses unknown ?fields= with UNKNOWN_FIELDS naming each one", async () => {
    const p = await problem(`${COURSES}?fields=title,password,expert_id`);
    expect(p).toMatchObject({ status: 400, code: "UNKNOWN_FIELDS" });
    expect(p.errors?.map((e) => (e as { message?: string }).message)).toEqual(["password", "expert_id"]);
  });

  it("refuses malformed taxonomy filters and an over-long search", async () => {
    expect((await problem(`${COURSES}?course_domain=Not%20a%20slug`)).status).toBe(400);
    expect(
      (await problem(`${COURSES}?course_level=${Array.from({ length: 11 }, (_, i) => `l${i}`).join(",")}`)).status,
    ).toBe(400);
    expect((await problem(`${COURSES}?search=${"a".repeat(101)}`)).code).toBe("VALIDATION_FAILED");
  });

  it("treats an empty or punctuation-only search as matching nothing rather than failing", async () => {
    await makeCourse(deps);
    expect(((await (await app.request(`${COURSES}?search=`)).json()) as { total: number }).total).toBe(1);
    const res = await app.request(`${COURSES}?search=${encodeURIComponent("!!! ''")}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(0);
  });
});

describe("GET /api/v1/courses/{id_or_slug} (errors)", () => {
  it("answers 404 NOT_FOUND for an unknown id or slug", async () => {
    expect(await problem(`${COURSES}/${crypto.randomUUID()}`)).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await problem(`${COURSES}/no-such-course`)).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("answers 400 for a key that is neither a UUID nor a slug, and for unknown fields", async () => {
    expect(await problem(`${COURSES}/Bad_Slug`)).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    const c = await makeCourse(deps);
    expect(await problem(`${COURSES}/${c.id}?fields=nope`)).toMatchObject({ status: 400, code: "UNKNOWN_FIELDS" });
  });

  it("has no GET on the enroll address", async () => {
    const c = await makeCourse(deps);
    expect(await problem(`${COURSES}/${c.id}/enroll`)).toMatchObject({ status: 405, code: "METHOD_NOT_ALLOWED" });
  });
});
