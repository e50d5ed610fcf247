/** Who /api/v1/admin/curricula must refuse (the shared suite in admin-refusals.ts), plus this area's own cases. */
import { afterAll, beforeEach } from "vitest";
import { type AdminCaller, describeAdminRefusals } from "./admin-refusals.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** Every REST route of the area, with a body an admin could send. */
const ROUTES: [string, string, unknown][] = [
  ["GET", "/api/v1/admin/curricula", undefined],
  ["POST", "/api/v1/admin/curricula", { title_fr: "Intrus", title_en: "Intruder" }],
  ["GET", `/api/v1/admin/curricula/${ID}`, undefined],
  ["PATCH", `/api/v1/admin/curricula/${ID}`, { title_fr: "Intrus" }],
  ["DELETE", `/api/v1/admin/curricula/${ID}`, undefined],
  ["PUT", `/api/v1/admin/curricula/${ID}/courses`, { course_ids: [] }],
  ["PUT", `/api/v1/admin/curricula/${ID}/visibility`, { visibility: "public" }],
  ["GET", `/api/v1/admin/curricula/${ID}/access`, undefined],
  ["POST", `/api/v1/admin/curricula/${ID}/access`, { user_id: ID }],
  ["DELETE", `/api/v1/admin/curricula/${ID}/access`, { user_id: ID }],
];

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: AdminCaller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.curricula.list({ page: 1, limit: 20 })],
  ["get", (c) => c.admin.curricula.get({ id: ID })],
  ["create", (c) => c.admin.curricula.create({ title_fr: "Intrus", title_en: "Intruder" })],
  ["update", (c) => c.admin.curricula.update({ id: ID, title_fr: "Intrus" })],
  ["delete", (c) => c.admin.curricula.delete({ id: ID })],
  ["replaceCourses", (c) => c.admin.curricula.replaceCourses({ id: ID, course_ids: [] })],
  ["setVisibility", (c) => c.admin.curricula.setVisibility({ id: ID, visibility: "public" })],
  ["grants", (c) => c.admin.curricula.grants({ id: ID, page: 1, limit: 20 })],
  ["grant", (c) => c.admin.curricula.grant({ id: ID, user_id: ID })],
  ["revoke", (c) => c.admin.curricula.revoke({ id: ID, user_id: ID })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.curriculum.count(), deps.db.curriculumAccess.count()]);
}

describeAdminRefusals({
  name: "/api/v1/admin/curricula",
  app,
  deps,
  routes: ROUTES,
  procedures: PROCEDURES,
  snapshot: tableSnapshot,
});
