/** Who /api/v1/admin/settings must refuse (the shared suite in admin-refusals.ts), plus this area's own cases. */
import { afterAll, beforeEach } from "vitest";
import { type AdminCaller, describeAdminRefusals } from "./admin-refusals.ts";
import { closeTestDeps, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

/** Every REST route of the area, with a body an admin could send. */
const ROUTES: [string, string, unknown][] = [
  ["GET", "/api/v1/admin/settings", undefined],
  ["PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 1000 }],
  ["DELETE", "/api/v1/admin/settings/tutor.free_daily_messages", undefined],
];

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: AdminCaller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.settings.list()],
  ["update", (c) => c.admin.settings.update({ key: "tutor.free_daily_messages", value: 1000 })],
  ["reset", (c) => c.admin.settings.reset({ key: "tutor.free_daily_messages" })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.platformSetting.count()]);
}

describeAdminRefusals({
  name: "/api/v1/admin/settings",
  app,
  deps,
  routes: ROUTES,
  procedures: PROCEDURES,
  snapshot: tableSnapshot,
});
