/**
 * Who /api/v1/admin/groups must refuse: anonymous callers get 401, learners and experts 403, over REST and
 * tRPC alike, before anything is read or written (no row, no audit).
 */
import type { Problem } from "@sira/contracts";
import { authKeys, verifyAccessToken } from "@sira/domain";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createCallerFactory, type TrpcContext } from "../src/trpc/init.ts";
import { appRouter } from "../src/trpc/router.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

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

const makeCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof makeCaller>;

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: Caller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.groups.list({ page: 1, limit: 20 })],
  ["create", (c) => c.admin.groups.create({ name: "Intrus" })],
  ["update", (c) => c.admin.groups.update({ id: ID, data: { name: "Intrus" } })],
  ["delete", (c) => c.admin.groups.delete({ id: ID })],
  ["members", (c) => c.admin.groups.members({ id: ID, page: 1, limit: 20 })],
  ["addMembers", (c) => c.admin.groups.addMembers({ id: ID, data: { user_ids: [ID] } })],
  ["removeMember", (c) => c.admin.groups.removeMember({ id: ID, user_id: ID })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.userGroup.count(), deps.db.userGroupMember.count()]);
}

function call(method: string, path: string, body: unknown, user: SignedIn | null) {
  return app.request(path, {
    method,
    headers: { "content-type": "application/json", ...(user?.headers ?? {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function context(user: SignedIn | null): Promise<TrpcContext> {
  return {
    deps,
    actor: user ? await verifyAccessToken(authKeys(deps.config), user.accessToken) : null,
    lang: "en",
    requestId: "groups-security-0001",
    clientIp: "127.0.0.1",
    userAgent: "vitest",
    occurredAt: new Date(),
  };
}

describe("/api/v1/admin/groups over REST", () => {
  for (const [who, status, code] of [
    ["anonymous", 401, "UNAUTHENTICATED"],
    ["learner", 403, "FORBIDDEN"],
    ["expert", 403, "FORBIDDEN"],
  ] as const) {
    it(`answers ${status} ${code} to ${who} callers on every route, changing nothing`, async () => {
      const user = who === "anonymous" ? null : await signIn(deps, { role: who });
      const before = await tableSnapshot();
      for (const [method, path, body] of ROUTES) {
        const res = await call(method, path, body, user);
        const problem = (await res.json()) as Problem;
        expect([method, path, res.status, problem.code]).toEqual([method, path, status, code]);
      }
      expect(await tableSnapshot()).toEqual(before);
    });
  }

  it("refuses a forged token (signature of another key) with 401", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const [header, payload] = admin.accessToken.split(".");
    const forged = { ...admin, headers: { authorization: `Bearer ${header}.${payload}.AAAA` } };
    const [method, path, body] = ROUTES[0] as [string, string, unknown];
    expect((await call(method, path, body, forged)).status).toBe(401);
  });
});

describe("/api/v1/admin/groups over tRPC", () => {
  for (const [who, code] of [
    ["anonymous", "UNAUTHENTICATED"],
    ["learner", "FORBIDDEN"],
    ["expert", "FORBIDDEN"],
  ] as const) {
    it(`refuses ${who} callers with ${code} on every procedure`, async () => {
      const user = who === "anonymous" ? null : await signIn(deps, { role: who });
      const caller = makeCaller(await context(user));
      const before = await tableSnapshot();
      for (const [name, run] of PROCEDURES) {
        const error = await run(caller).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(TRPCError);
        expect([name, ((error as TRPCError).cause as { code?: string } | undefined)?.code]).toEqual([name, code]);
      }
      expect(await tableSnapshot()).toEqual(before);
    });
  }
});
