/**
 * The refusal suite every admin-only area shares: anonymous callers get 401, learners and experts
 * 403, over REST and tRPC alike, before anything is read or written (no row, no audit).
 */
import type { Problem } from "@sira/contracts";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import type { AppDeps } from "../src/app-types.ts";
import { type SignedIn, signIn } from "./helpers.ts";
import { callerAs, type TestCaller } from "./trpc-caller.ts";

export type AdminCaller = TestCaller;

export interface AdminArea {
  /** e.g. "/api/v1/admin/taxonomy" */
  name: string;
  app: App;
  deps: AppDeps;
  /** Every REST route of the area, with a body an admin could send. */
  routes: [method: string, path: string, body: unknown][];
  /** Every tRPC procedure of the area, called with valid input. */
  procedures: [name: string, run: (caller: AdminCaller) => Promise<unknown>][];
  /** Counts that must not move when a call is refused. */
  snapshot: () => Promise<unknown>;
}

function call(area: AdminArea, method: string, path: string, body: unknown, user: SignedIn | null) {
  return area.app.request(path, {
    method,
    headers: { "content-type": "application/json", ...(user?.headers ?? {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Declares the REST and tRPC refusal tests of one admin area. */
export function describeAdminRefusals(area: AdminArea): void {
  describe(`${area.name} over REST`, () => {
    for (const [who, status, code] of [
      ["anonymous", 401, "UNAUTHENTICATED"],
      ["learner", 403, "FORBIDDEN"],
      ["expert", 403, "FORBIDDEN"],
    ] as const) {
      it(`answers ${status} ${code} to ${who} callers on every route, changing nothing`, async () => {
        const user = who === "anonymous" ? null : await signIn(area.deps, { role: who });
        const before = await area.snapshot();
        for (const [method, path, body] of area.routes) {
          const res = await call(area, method, path, body, user);
          const problem = (await res.json()) as Problem;
          expect([method, path, res.status, problem.code]).toEqual([method, path, status, code]);
        }
        expect(await area.snapshot()).toEqual(before);
      });
    }

    it("refuses a forged token (signature of another key) with 401", async () => {
      const admin = await signIn(area.deps, { role: "admin" });
      const [header, payload] = admin.accessToken.split(".");
      const forged = { ...admin, headers: { authorization: `Bearer ${header}.${payload}.AAAA` } };
      const [method, path, body] = area.routes[0] as [string, string, unknown];
      expect((await call(area, method, path, body, forged)).status).toBe(401);
    });
  });

  describe(`${area.name} over tRPC`, () => {
    for (const [who, code] of [
      ["anonymous", "UNAUTHENTICATED"],
      ["learner", "FORBIDDEN"],
      ["expert", "FORBIDDEN"],
    ] as const) {
      it(`refuses ${who} callers with ${code} on every procedure`, async () => {
        const user = who === "anonymous" ? null : await signIn(area.deps, { role: who });
        const caller = await callerAs(area.deps, user, { lang: "en" });
        const before = await area.snapshot();
        for (const [name, run] of area.procedures) {
          const error = await run(caller).then(
            () => null,
            (e: unknown) => e,
          );
          expect(error, name).toBeInstanceOf(TRPCError);
          expect([name, ((error as TRPCError).cause as { code?: string } | undefined)?.code]).toEqual([name, code]);
        }
        expect(await area.snapshot()).toEqual(before);
      });
    }
  });
}
