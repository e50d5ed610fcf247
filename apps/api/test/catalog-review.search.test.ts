/**
 * Catalog search ranks only what the caller may see and asked for: the cap on ranked matches
 * (SEARCH_MATCH_CAP) applies after visibility and taxonomy filters, so courses the caller cannot
 * see, or filtered out, never push a matching course out of the results.
 */
import type { CatalogCourse, Page } from "@sira/contracts";
import { SEARCH_MATCH_CAP } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse, makeTaxonomy } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

/** `count` published courses with "Hygiène" in their titles (a stronger match than a description). */
async function manyHygieneCourses(count: number, visibility: "public" | "private") {
  await deps.db.course.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      slug: `hygiene-${visibility}-${i}`,
      titleFr: `Hygiène hospitalière ${i}`,
      titleEn: `Hospital hygiene ${i}`,
      descriptionFr: "Une description",
      descriptionEn: "A description",
      status: "published",
      visibility,
      publishedAt: new Date(),
    })),
  });
}

async function found(path: string, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers });
  expect(res.status).toBe(200);
  const page = (await res.json()) as Page<CatalogCourse>;
  return { ids: page.items.map((i) => i.id), total: page.total };
}

describe("catalog search past the match cap", () => {
  it("finds a visible course even when more hidden courses rank above it", async () => {
    await manyHygieneCourses(SEARCH_MATCH_CAP, "private");
    const visible = await makeCourse(deps, { titleFr: "Eau potable", descriptionFr: "Hygiène de l'eau au village" });
    const learner = await signIn(deps);
    for (const headers of [{}, learner.headers]) {
      expect(await found("/api/v1/courses?search=hygiene", headers)).toEqual({ ids: [visible.id], total: 1 });
    }
  });

  it("finds a course of the filtered domain even when more courses of other domains rank above it", async () => {
    await makeTaxonomy(deps);
    await manyHygieneCourses(SEARCH_MATCH_CAP, "public");
    const inDomain = await makeCourse(deps, {
      titleFr: "Eau potable",
      descriptionFr: "Hygiène de l'eau au village",
      taxonomy: ["sante-publique"],
    });
    expect(await found("/api/v1/courses?search=hygiene&course_domain=sante-publique")).toEqual({
      ids: [inDomain.id],
      total: 1,
    });
  });
});
