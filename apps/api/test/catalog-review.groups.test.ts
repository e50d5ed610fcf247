/**
 * Group names are unique whatever their case, and only their case: `_` and `%` in a name or a
 * search are characters, not LIKE wildcards. Creations racing on one name give one group.
 */
import type { AdminGroup, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/groups";
const send = jsonSender(app, "catalog-review-groups");

async function names(admin: SignedIn, search: string): Promise<string[]> {
  const res = await app.request(`${BASE}?search=${encodeURIComponent(search)}`, { headers: admin.headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as Page<AdminGroup>).items.map((g) => g.name);
}

describe("group names", () => {
  it("takes `_` and `%` in a new name or a rename as themselves, and still refuses another case", async () => {
    const admin = await signIn(deps, { role: "admin" });
    expect((await send(admin, "POST", BASE, { name: "Promo A1" })).status).toBe(201);
    expect((await send(admin, "POST", BASE, { name: "Promo_A1" })).status).toBe(201);
    expect((await send(admin, "POST", BASE, { name: "%" })).status).toBe(201);
    expect((await send(admin, "POST", BASE, { name: "PROMO A1" })).status).toBe(409);
    const other = (await (await send(admin, "POST", BASE, { name: "Autre" })).json()) as AdminGroup;
    expect((await send(admin, "PATCH", `${BASE}/${other.id}`, { name: "Promo%" })).status).toBe(200);
    expect((await send(admin, "PATCH", `${BASE}/${other.id}`, { name: "promo_a1" })).status).toBe(409);
  });

  it("searches `_` and `%` literally", async () => {
    const admin = await signIn(deps, { role: "admin" });
    for (const name of ["Promo A1", "Promo_A1", "Taux 100%"]) {
      expect((await send(admin, "POST", BASE, { name })).status).toBe(201);
    }
    expect(await names(admin, "_")).toEqual(["Promo_A1"]);
    expect(await names(admin, "%")).toEqual(["Taux 100%"]);
    expect(await names(admin, "promo a")).toEqual(["Promo A1"]);
  });

  it("creates one group when creations of one name in different cases race", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const name = "cohorte kaolack";
    // Twelve spellings of one name, each letter's case from the bits of its index.
    const variants = Array.from({ length: 12 }, (_, n) =>
      [...name].map((c, i) => ((n >> (i % 4)) & 1 ? c.toUpperCase() : c)).join(""),
    );
    const statuses = await Promise.all(
      variants.map(async (name) => (await send(admin, "POST", BASE, { name })).status),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(variants.length - 1);
    expect(await deps.db.userGroup.count()).toBe(1);
  });
});
