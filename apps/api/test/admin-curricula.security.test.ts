/**
 * Who /api/v1/admin/curricula must refuse: anonymous callers get 401, learners and experts 403, over REST and
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

const makeCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof makeCaller>;

/** Every tRPC procedure of the area, called with valid input. */
const PROCEDURES: [string, (caller: Caller) => Promise<unknown>][] = [
  ["list", (c) => c.admin.curricula.list({ page: 1, limit: 20 })],
  ["get", (c) => c.admin.curricula.get({ id: ID })],
  ["create", (c) => c.admin.curricula.create({ title_fr: "Intrus", title_en: "Intruder" })],
  ["update", (c) => c.admin.curricula.update({ id: ID, data: { title_fr: "Intrus" } })],
  ["delete", (c) => c.admin.curricula.delete({ id: ID })],
  ["replaceCourses", (c) => c.admin.curricula.replaceCourses({ id: ID, data: { course_ids: [] } })],
  ["setVisibility", (c) => c.admin.curricula.setVisibility({ id: ID, data: { visibility: "public" } })],
  ["grants", (c) => c.admin.curricula.grants({ id: ID, page: 1, limit: 20 })],
  ["grant", (c) => c.admin.curricula.grant({ id: ID, data: { user_id: ID } })],
  ["revoke", (c) => c.admin.curricula.revoke({ id: ID, data: { user_id: ID } })],
];

async function tableSnapshot() {
  return Promise.all([deps.db.auditLog.count(), deps.db.curriculum.count(), deps.db.curriculumAccess.count()]);
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
    requestId: "curricula-security-0001",
    clientIp: "127.0.0.1",
    userAgent: "vitest",
    occurredAt: new Date(),
  };
}

describe("/api/v1/admin/curricula over REST", () => {
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

describe("/api/v1/admin/curricula over tRPC", () => {
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
