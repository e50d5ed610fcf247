/**
 * tRPC: the caller (no HTTP), the /trpc mount on the real app, the procedure builders' role
 * checks, and errors carrying our stable codes in the request's language to @trpc/client.
 */
import { AppError } from "@sira/contracts";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Actor } from "../src/app-types.ts";
import { requestFacts } from "../src/caller.ts";
import { adminProcedure, authedProcedure, createCallerFactory, publicProcedure, router } from "../src/trpc/init.ts";
import { closeTestDeps, listen, resetRedis, testApp } from "./helpers.ts";
import { makeTestCaller, testContext } from "./trpc-caller.ts";

const learner: Actor = {
  userId: "5b0c1a52-6a43-4f0e-9d0f-3f6f8a1d2c11",
  role: "learner",
  preferredLanguage: "fr",
  country: "CI",
  sessionId: "9a1c3e5f-7b2d-4e6f-8a0c-1e3d5f7a9b2c",
};
const admin: Actor = { ...learner, userId: "0d8f6f4e-2b1a-4c55-8e0e-7a9b3c2d1e00", role: "admin" };

/** A router built with the real procedure builders, to exercise their checks and error shapes. */
const testRouter = router({
  whoami: authedProcedure.query(({ ctx }) => ({ userId: ctx.actor.userId })),
  adminOnly: adminProcedure.query(() => ({ ok: true })),
  echo: publicProcedure.input(z.object({ rating: z.number().int().min(1).max(4) })).query(({ input }) => input),
  paywalled: publicProcedure.query(() => {
    throw new AppError("PAYMENT_REQUIRED");
  }),
  crash: publicProcedure.query(() => {
    throw new Error("ECONNREFUSED postgres://sira:s3cret@db");
  }),
});

const { app, deps } = testApp();
// The test router gets its actor from a test-only header; the real one gets it from the JWT.
app.all("/test-trpc/*", (c) => {
  const role = c.req.header("x-test-actor");
  const actor = role === "admin" ? admin : role === "learner" ? learner : null;
  return fetchRequestHandler({
    endpoint: "/test-trpc",
    req: c.req.raw,
    router: testRouter,
    createContext: () => ({ ...requestFacts(c), actor }),
  });
});

interface TrpcErrorBody {
  error: {
    message: string;
    data: { code: string; httpStatus: number; request_id?: string; errors?: { field: string }[] };
  };
}

async function call(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ res: Response; body: TrpcErrorBody }> {
  const res = await app.request(`/test-trpc/${path}`, { headers });
  return { res, body: (await res.json()) as TrpcErrorBody };
}

beforeEach(resetRedis);
afterAll(closeTestDeps);

describe("the caller", () => {
  it("calls system.health without HTTP", async () => {
    const caller = makeTestCaller(deps, null);
    expect(await caller.system.health()).toEqual({ status: "healthy", service: "sira-api" });
  });

  it("checks readiness against the real dependencies", async () => {
    const caller = makeTestCaller(deps, null);
    expect(await caller.system.ready()).toEqual({
      status: "ready",
      checks: { postgres: "up", redis: "up", totp_keys: "up" },
    });
  });

  it("refuses an authed procedure without an actor, keeping our code as the cause", async () => {
    const caller = createCallerFactory(testRouter)(testContext(deps, null));
    const error = await caller.whoami().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
    expect((error as TRPCError).cause).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await createCallerFactory(testRouter)(testContext(deps, learner)).whoami()).toEqual({
      userId: learner.userId,
    });
  });
});

describe("over HTTP on the real app", () => {
  it("serves system.health at /trpc", async () => {
    const res = await app.request("/trpc/system.health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: { status: "healthy", service: "sira-api" } } });
  });

  it("answers an unknown procedure with ROUTE_NOT_FOUND in the request's language", async () => {
    const fr = await app.request("/trpc/system.nope");
    expect(fr.status).toBe(404);
    expect(await fr.json()).toMatchObject({
      error: { message: "Cette adresse n'existe pas.", data: { code: "ROUTE_NOT_FOUND", httpStatus: 404 } },
    });
    const en = await app.request("/trpc/system.nope", { headers: { "accept-language": "en" } });
    expect(((await en.json()) as TrpcErrorBody).error.message).toBe("This address does not exist.");
  });

  it("refuses an authed procedure without an actor: 401 UNAUTHENTICATED", async () => {
    const { res, body } = await call("whoami");
    expect(res.status).toBe(401);
    expect(body.error.message).toBe("Authentification requise.");
    expect(body.error.data).toMatchObject({ code: "UNAUTHENTICATED", httpStatus: 401 });
    expect(body.error.data.request_id).toBe(res.headers.get("x-request-id"));
    const en = await call("whoami", { "accept-language": "en" });
    expect(en.body.error.message).toBe("Authentication required.");
  });

  it("refuses an admin procedure to a learner: 403 FORBIDDEN, and lets an admin in", async () => {
    // Admin procedures read the role from the database (decision 0029), so the admin's account exists.
    await deps.db.user.upsert({
      where: { id: admin.userId },
      update: { role: "admin", status: "active", deletedAt: null },
      create: {
        id: admin.userId,
        email: "trpc-test-admin@example.org",
        name: "Admin",
        country: "CI",
        professionalRole: "platform_admin",
        role: "admin",
        status: "active",
      },
    });
    const refused = await call("adminOnly", { "x-test-actor": "learner" });
    expect(refused.res.status).toBe(403);
    expect(refused.body.error.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    const allowed = await app.request("/test-trpc/adminOnly", { headers: { "x-test-actor": "admin" } });
    expect(allowed.status).toBe(200);
  });

  it("keeps a domain error's code and status", async () => {
    const { res, body } = await call("paywalled");
    expect(res.status).toBe(402);
    expect(body.error.data).toMatchObject({ code: "PAYMENT_REQUIRED", httpStatus: 402 });
  });

  it("names invalid input fields under VALIDATION_FAILED", async () => {
    const { res, body } = await call(`echo?input=${encodeURIComponent(JSON.stringify({ rating: 7 }))}`);
    expect(res.status).toBe(400);
    expect(body.error.data.code).toBe("VALIDATION_FAILED");
    expect(body.error.data.errors?.map((e) => e.field)).toEqual(["rating"]);
  });

  it("answers a malformed batch (queries mixed with mutations) with 400, not a 500", async () => {
    const res = await app.request("/trpc/system.health,courses.enroll?batch=1", {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ 1: { id_or_slug: "any-course" } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as TrpcErrorBody).error.data).toMatchObject({
      code: "VALIDATION_FAILED",
      httpStatus: 400,
    });
  });

  it("answers a crash as INTERNAL without leaking its message or stack", async () => {
    const res = await app.request("/test-trpc/crash");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect((JSON.parse(text) as TrpcErrorBody).error.data.code).toBe("INTERNAL");
    expect(text).not.toMatch(/s3cret|ECONNREFUSED|stack/);
  });
});

describe("through @trpc/client on a socket", () => {
  let base = "";
  beforeAll(async () => {
    base = await listen(app);
  });

  it("sees our stable code on errors", async () => {
    const client = createTRPCClient<typeof testRouter>({
      links: [httpLink({ url: `${base}/test-trpc`, headers: { "accept-language": "en" } })],
    });
    const error = await client.whoami.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<typeof testRouter>).message).toBe("Authentication required.");
    expect((error as TRPCClientError<typeof testRouter>).data).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
