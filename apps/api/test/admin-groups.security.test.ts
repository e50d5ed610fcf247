/** Who /api/v1/admin/groups must refuse (the shared suite in admin-refusals.ts), plus this area's own cases. */
import { afterAll, beforeEach } from "vitest";
import { type AdminCaller, describeAdminRefusals } from "./admin-refusals.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** Every REST route of the area, with a body an admin could send. */
const ROUTES: [string, string, unknown][] = [
  ["GET", "/api/v1/admin/groups", undefined],
  ["POST", "/api/v1/admin/groups", { name: "Intrus" }],
  ["PATCH", `/api/v1/admin/groups/${ID}`, { name: "Intrus" }],
  ["DELETE", `/api/v1/admin/groups/${ID}`, undefined],
  ["GET", `/api/v1/admin/groups/${ID}/members`, undefined],
  ["POST", `/api/v1/admin/groups/${ID}/members`, { user_ids: [ID] }],
  ["DELETE", `/api/v1/admin/groups/${ID}/members/${ID}`, undefined],
];

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: AdminCaller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.groups.list({ page: 1, limit: 20 })],
  ["create", (c) => c.admin.groups.create({ name: "Intrus" })],
  ["update", (c) => c.admin.groups.update({ id: ID, name: "Intrus" })],
  ["delete", (c) => c.admin.groups.delete({ id: ID })],
  ["members", (c) => c.admin.groups.members({ id: ID, page: 1, limit: 20 })],
  ["addMembers", (c) => c.admin.groups.addMembers({ id: ID, user_ids: [ID] })],
  ["removeMember", (c) => c.admin.groups.removeMember({ id: ID, user_id: ID })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.userGroup.count(), deps.db.userGroupMember.count()]);
}

describeAdminRefusals({
  name: "/api/v1/admin/groups",
  app,
  deps,
  routes: ROUTES,
  procedures: PROCEDURES,
  snapshot: tableSnapshot,
});
