/**
 * The back office's searches fold accents and width before matching (`sira_search_normalize`), and
 * that folding turns a full-width `％`, `＿` or `＼` into LIKE's own `%`, `_` and `\`. They must still
 * be searched as text, not as wildcards: escaping comes after the folding.
 */
import type { AdminCourse, AdminUser, Page } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "catalog-review-fullwidth");
beforeEach(resetState);
afterAll(closeTestDeps);

async function listed<T>(user: SignedIn, path: string): Promise<T[]> {
  const res = await send(user, "GET", path);
  expect(res.status).toBe(200);
  return ((await res.json()) as Page<T>).items;
}

describe("full-width wildcards in back-office searches", () => {
  it("directory: ％ and ＿ match no account that has no such character", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Aminata Sow" });
    await signIn(deps, { name: "Fatou Ndiaye" });
    for (const search of ["％", "＿", "＿atou", "＼"]) {
      const names = (await listed<AdminUser>(admin, `/api/v1/admin/users?search=${encodeURIComponent(search)}`)).map(
        (u) => u.name,
      );
      expect(names, search).toEqual([]);
    }
    const fatou = await listed<AdminUser>(admin, `/api/v1/admin/users?search=${encodeURIComponent("ＦＡＴＯＵ")}`);
    expect(fatou.map((u) => u.name)).toEqual(["Fatou Ndiaye"]);
  });

  it("courses: ＿ and ％ find only titles that hold _ or %", async () => {
    const expert = await signIn(deps, { role: "expert" });
    for (const title_fr of ["Santé publique", "Taux de 100% de vaccination", "Module_01 hygiène"]) {
      expect((await send(expert, "POST", "/api/v1/admin/courses", { title_fr })).status).toBe(201);
    }
    const titles = async (search: string) =>
      (await listed<AdminCourse>(expert, `/api/v1/admin/courses?search=${encodeURIComponent(search)}`)).map(
        (c) => c.title_fr,
      );
    expect(await titles("％")).toEqual(["Taux de 100% de vaccination"]);
    expect(await titles("＿")).toEqual(["Module_01 hygiène"]);
    expect(await titles("s＿nte")).toEqual([]);
  });
});
