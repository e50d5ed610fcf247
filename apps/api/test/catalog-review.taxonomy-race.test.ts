/**
 * A course edit that attaches a category while an admin deletes it: whichever commits first wins,
 * and the other gets a 4xx. The edit used to check the category, lose it to the delete, and fail
 * on the foreign key with a 500. A raw connection holds the category row so that the delete and
 * the edit queue behind it in that order.
 */
import type { AdminTaxonomyCategory } from "@sira/contracts";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { lockWaiters } from "./lock-waiters.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "catalog-review-taxonomy-race");
beforeEach(resetState);
afterAll(closeTestDeps);

async function category(admin: SignedIn): Promise<AdminTaxonomyCategory> {
  const res = await send(admin, "POST", "/api/v1/admin/taxonomy", {
    type: "domain",
    label_fr: "Santé",
    label_en: "Health",
  });
  expect(res.status).toBe(201);
  return (await res.json()) as AdminTaxonomyCategory;
}

/** Runs `edit` while the category's delete is queued ahead of it; returns both statuses. */
async function raceDelete(admin: SignedIn, categoryId: string, edit: () => Response | Promise<Response>) {
  const pause = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await pause.connect();
  try {
    await pause.query("BEGIN");
    await pause.query("SELECT id FROM taxonomy_categories WHERE id = $1 FOR UPDATE", [categoryId]);
    const deleting = send(admin, "DELETE", `/api/v1/admin/taxonomy/${categoryId}`);
    await lockWaiters(pause, 1);
    const editing = Promise.resolve(edit());
    await lockWaiters(pause, 2);
    await pause.query("COMMIT");
    return { deleted: (await deleting).status, edited: await editing };
  } finally {
    await pause.end();
  }
}

describe("attaching a category being deleted", () => {
  it("refuses the course edit with a 400 naming taxonomy_ids once the delete went first", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const expert = await signIn(deps, { role: "expert" });
    const created = await send(expert, "POST", "/api/v1/admin/courses", { title_fr: "Hygiène" });
    const course = (await created.json()) as { id: string };
    const cat = await category(admin);
    const { deleted, edited } = await raceDelete(admin, cat.id, () =>
      send(expert, "PATCH", `/api/v1/admin/courses/${course.id}`, { taxonomy_ids: [cat.id] }),
    );
    expect(deleted).toBe(200);
    expect(edited.status).toBe(400);
    expect(((await edited.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("taxonomy_ids");
    expect(await deps.db.courseTaxonomy.count()).toBe(0);
  });

  it("refuses a new course with the category the same way", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const expert = await signIn(deps, { role: "expert" });
    const cat = await category(admin);
    const { deleted, edited } = await raceDelete(admin, cat.id, () =>
      send(expert, "POST", "/api/v1/admin/courses", { title_fr: "Hygiène", taxonomy_ids: [cat.id] }),
    );
    expect(deleted).toBe(200);
    expect(edited.status).toBe(400);
    expect(await deps.db.course.count()).toBe(0);
  });
});
