/**
 * A course, curriculum or taxonomy category created without a slug takes one derived from its title. Two
 * created at once with the same title both succeed, with `base` and `base-2`: the one that lost the
 * derived slug to the other used to answer 409 SLUG_TAKEN for a slug nobody typed.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "catalog-review-derived-slugs");
beforeEach(resetState);
afterAll(closeTestDeps);

const AT_ONCE = 6;

async function createAtOnce(admin: SignedIn, path: string, body: Record<string, unknown>, n = AT_ONCE) {
  const answers = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await send(admin, "POST", path, body);
      return { status: res.status, slug: ((await res.json()) as { slug?: string }).slug };
    }),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(n).fill(201));
  return answers.map((a) => a.slug).sort();
}

describe("derived slugs under concurrent creation", () => {
  it("gives curricula of one title distinct slugs", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const slugs = await createAtOnce(admin, "/api/v1/admin/curricula", { title_fr: "Santé", title_en: "Health" });
    expect(new Set(slugs).size).toBe(AT_ONCE);
    expect(slugs).toContain("sante");
  });

  // Courses retried a taken slug five times: more creations than that at once could still get a 409.
  it("gives courses of one title distinct slugs, more at once than creation retries", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const slugs = await createAtOnce(admin, "/api/v1/admin/courses", { title_fr: "Santé", title_en: "Health" }, 12);
    expect(new Set(slugs).size).toBe(12);
    expect(slugs).toContain("sante");
  });

  it("gives categories of one label distinct slugs", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const slugs = await createAtOnce(admin, "/api/v1/admin/taxonomy", {
      type: "domain",
      label_fr: "Santé",
      label_en: "Health",
    });
    expect(new Set(slugs).size).toBe(AT_ONCE);
    expect(slugs).toContain("sante");
  });
});
