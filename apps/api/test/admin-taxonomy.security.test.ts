/** Who /api/v1/admin/taxonomy must refuse (the shared suite in admin-refusals.ts), plus this area's own cases. */
import { afterAll, beforeEach } from "vitest";
import { type AdminCaller, describeAdminRefusals } from "./admin-refusals.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** Every REST route of the area, with a body an admin could send. */
const ROUTES: [string, string, unknown][] = [
  ["GET", "/api/v1/admin/taxonomy", undefined],
  ["POST", "/api/v1/admin/taxonomy", { type: "domain", label_fr: "Intrus", label_en: "Intruder" }],
  ["PATCH", `/api/v1/admin/taxonomy/${ID}`, { label_fr: "Intrus" }],
  ["DELETE", `/api/v1/admin/taxonomy/${ID}`, undefined],
];

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: AdminCaller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.taxonomy.list({ page: 1, limit: 20 })],
  ["create", (c) => c.admin.taxonomy.create({ type: "domain", label_fr: "Intrus", label_en: "Intruder" })],
  ["update", (c) => c.admin.taxonomy.update({ id: ID, label_fr: "Intrus" })],
  ["delete", (c) => c.admin.taxonomy.delete({ id: ID })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.taxonomyCategory.count()]);
}

describeAdminRefusals({
  name: "/api/v1/admin/taxonomy",
  app,
  deps,
  routes: ROUTES,
  procedures: PROCEDURES,
  snapshot: tableSnapshot,
});
