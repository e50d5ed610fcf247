/**
 * One caller context (decision 0038): for the same HTTP request, a REST route behind `requireRole`
 * and a tRPC procedure behind the matching builder receive the same {deps, viewer, learner, lang,
 * meta}, with the database's role on privileged paths and the offline-replay time in the meta.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import type { AppDeps } from "../src/app-types.ts";
import { type CallerContext, callerOf, requestFacts } from "../src/caller.ts";
import { requireRole } from "../src/http/auth.ts";
import { adminProcedure, authedProcedure, createCallerFactory, router } from "../src/trpc/init.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

let app: App;
let deps: AppDeps;

/** What a context says about the caller; `now` is each builder's own clock reading. */
function described(ctx: CallerContext) {
  const { now, ...meta } = ctx.meta;
  return {
    sameDeps: ctx.deps === deps,
    viewer: ctx.viewer,
    learner: ctx.learner,
    lang: ctx.lang,
    sessionId: ctx.actor.sessionId,
    meta: {
      ...meta,
      occurredAt: meta.occurredAt.toISOString(),
      offlineQueuedAt: meta.offlineQueuedAt?.toISOString() ?? null,
    },
    nowIsDate: now instanceof Date,
  };
}

const probes = router({
  authed: authedProcedure.mutation(({ ctx }) => described(ctx)),
  admin: adminProcedure.mutation(({ ctx }) => described(ctx)),
});
const probeCaller = createCallerFactory(probes);

beforeAll(() => {
  ({ app, deps } = testApp());
  // Each probe answers the REST context and the tRPC context built from the same request.
  app.post("/probe/learner", requireRole(), async (c) =>
    c.json({ rest: described(callerOf(c)), trpc: await probeCaller(requestFacts(c)).authed() }),
  );
  app.post("/probe/admin", requireRole("admin"), async (c) =>
    c.json({ rest: described(callerOf(c)), trpc: await probeCaller(requestFacts(c)).admin() }),
  );
  // A direct caller throws tRPC's error; the domain's AppError is its cause.
  app.post("/probe/trpc-admin", async (c) => {
    try {
      return c.json(await probeCaller(requestFacts(c)).admin());
    } catch (error) {
      throw error instanceof TRPCError && error.cause ? error.cause : error;
    }
  });
  app.post("/probe/unguarded", (c) => c.json(described(callerOf(c))));
});
beforeEach(() => resetState());
afterAll(() => closeTestDeps());

const probe = (path: string, user: SignedIn, headers: Record<string, string> = {}) =>
  app.request(path, { method: "POST", headers: { ...user.headers, ...headers } });

describe("one caller context for REST and tRPC", () => {
  it("gives a learner's route and procedure the same viewer, learner, language and request meta", async () => {
    const user = await signIn(deps, { role: "learner", country: "FR" });
    const queuedAt = new Date(Date.now() - 3_600_000).toISOString();
    const res = await probe("/probe/learner", user, {
      "accept-language": "en",
      "x-request-id": "caller-context-0001",
      "user-agent": "sira-android/3.1",
      "x-offline-queued-at": queuedAt,
    });
    expect(res.status).toBe(200);
    const { rest, trpc } = (await res.json()) as { rest: unknown; trpc: unknown };
    expect(rest).toEqual(trpc);
    expect(rest).toMatchObject({
      sameDeps: true,
      viewer: { userId: user.userId, role: "learner" },
      // A country outside those served takes the default market (decision 0028).
      learner: { viewer: { userId: user.userId, role: "learner" }, language: "en", country: "SN" },
      lang: "en",
      meta: {
        requestId: "caller-context-0001",
        ip: "local",
        userAgent: "sira-android/3.1",
        occurredAt: queuedAt,
        offlineQueuedAt: queuedAt,
      },
      nowIsDate: true,
    });
  });

  it("records no offline time for a request that was not queued: it happened when it arrived", async () => {
    const user = await signIn(deps);
    const before = Date.now();
    const res = await probe("/probe/learner", user);
    const { rest } = (await res.json()) as { rest: { meta: { occurredAt: string; offlineQueuedAt: unknown } } };
    expect(rest.meta.offlineQueuedAt).toBeNull();
    expect(Date.parse(rest.meta.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(rest.meta.occurredAt)).toBeLessThanOrEqual(Date.now());
  });

  it("carries the database's role on privileged paths, not the token's", async () => {
    // The token says learner; the account was made admin since.
    const user = await signIn(deps, { role: "learner" });
    await deps.db.user.update({ where: { id: user.userId }, data: { role: "admin" } });
    const res = await probe("/probe/admin", user);
    expect(res.status).toBe(200);
    const { rest, trpc } = (await res.json()) as { rest: unknown; trpc: unknown };
    expect(rest).toEqual(trpc);
    expect(rest).toMatchObject({ viewer: { role: "admin" }, learner: { viewer: { role: "admin" } } });
  });

  it("refuses a token that still says admin once the database says otherwise, over both", async () => {
    const user = await signIn(deps, { role: "admin" });
    await deps.db.user.update({ where: { id: user.userId }, data: { role: "learner" } });
    const rest = await probe("/probe/admin", user);
    expect(rest.status).toBe(403);
    expect(((await rest.json()) as { code: string }).code).toBe("FORBIDDEN");
    const trpc = await probe("/probe/trpc-admin", user);
    expect(trpc.status).toBe(403);
    expect(((await trpc.json()) as { code: string }).code).toBe("FORBIDDEN");
  });

  it("fails closed on a route that reads the caller without a guard", async () => {
    const user = await signIn(deps, { role: "admin" });
    const res = await probe("/probe/unguarded", user);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
  });
});
