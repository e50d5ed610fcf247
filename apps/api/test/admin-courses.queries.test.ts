/**
 * The back-office course list sends the same number of SQL statements whatever the page size and
 * however many categories each course has (no N+1), with or without filters.
 */
import type { AdminCourse, Page } from "@sira/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COURSES, call, seedCategory } from "./admin-courses.fixtures.ts";
import { closeTestDeps, countQueries, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
let admin: SignedIn;
let expert: SignedIn;

beforeAll(async () => {
  await resetState();
  admin = await signIn(deps, { role: "admin" });
  expert = await signIn(deps, { role: "expert" });
  const categories = [await seedCategory(deps, "sante"), await seedCategory(deps, "debutant", "level")];
  await deps.db.course.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      slug: `cours-${i}`,
      titleFr: `Santé ${i}`,
      titleEn: `Health ${i}`,
      status: i % 3 === 0 ? "published" : "draft",
      expertId: i % 2 === 0 ? expert.userId : null,
    })),
  });
  const courses = await deps.db.course.findMany({ select: { id: true } });
  await deps.db.courseTaxonomy.createMany({
    data: courses.flatMap((c) => categories.map((categoryId) => ({ courseId: c.id, categoryId }))),
  });
});
afterAll(closeTestDeps);

async function statements(user: SignedIn, query: string): Promise<{ count: number; items: number }> {
  let items = 0;
  const count = await countQueries(deps, async () => {
    const res = await call(app, "GET", `${COURSES}${query}`, { as: user });
    expect(res.status).toBe(200);
    items = ((await res.json()) as Page<AdminCourse>).items.length;
  });
  return { count, items };
}

describe("GET /api/v1/admin/courses runs a bounded number of statements", () => {
  const queries = ["", "?status=draft&visibility=public", "?search=sante&taxonomy=sante", "?fields=id,title"];
  for (const query of queries) {
    it(`the same count for limit=5 and limit=50 (${query || "no filter"})`, async () => {
      const sep = query ? "&" : "?";
      const small = await statements(admin, `${query}${sep}limit=5`);
      const large = await statements(admin, `${query}${sep}limit=50`);
      expect(small.items).toBe(5);
      expect(large.items).toBeGreaterThan(5);
      expect(large.count).toBe(small.count);
      // the caller's role (decision 0029) + count + page + its categories (2), + the title search when asked.
      expect(small.count).toBe(query.includes("search=") ? 6 : 5);
    });
  }

  it("for an expert too", async () => {
    const small = await statements(expert, "?limit=5");
    const large = await statements(expert, "?limit=50");
    expect([small.items, large.items]).toEqual([5, 30]);
    expect(large.count).toBe(small.count);
  });
});
