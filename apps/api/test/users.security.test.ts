/**
 * Who /users/me must refuse, and proof that a user can never read or change another user's data:
 * there is no id to tamper with, the token is the only subject, a forged token is refused, and a
 * token of an erased or disabled account stops working at once (401 UNAUTHENTICATED).
 */
import { randomUUID } from "node:crypto";
import type { Problem, Profile, UserExport } from "@sira/contracts";
import { authKeys } from "@sira/domain";
import { TRPCError } from "@trpc/server";
import { base64url, SignJWT } from "jose";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";
const json = { "content-type": "application/json" };

const requests: [string, string, unknown][] = [
  ["GET", ME, undefined],
  ["PATCH", ME, { name: "Intrus" }],
  ["GET", `${ME}/export`, undefined],
  ["DELETE", ME, { confirm: "DELETE" }],
];

function call(method: string, path: string, body: unknown, headers: Record<string, string>) {
  return app.request(path, {
    method,
    headers: { ...json, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as Problem).code;
}

/** The token with its payload rewritten and its signature kept: what an attacker can forge. */
function withPayload(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

function callerFor(user: SignedIn | null) {
  return callerAs(deps, user, { lang: "en" });
}

const row = (id: string) => deps.db.user.findUniqueOrThrow({ where: { id } });

describe("without a valid token", () => {
  for (const [method, path, body] of requests) {
    it(`${method} ${path} answers 401 UNAUTHENTICATED without a token`, async () => {
      const res = await call(method, path, body, {});
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("UNAUTHENTICATED");
    });
  }

  it("refuses a tampered token (another user's id under the original signature): 401 TOKEN_INVALID", async () => {
    const attacker = await signIn(deps);
    const victim = await signIn(deps, { name: "Victime" });
    const forged = withPayload(attacker.accessToken, (c) => {
      c.sub = victim.userId;
    });
    for (const [method, path, body] of requests) {
      const res = await call(method, path, body, { authorization: `Bearer ${forged}` });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("TOKEN_INVALID");
    }
    expect(await row(victim.userId)).toMatchObject({ name: "Victime", deletedAt: null });
  });

  it("refuses an unsigned (alg none) token and one signed with another key: 401 TOKEN_INVALID", async () => {
    const victim = await signIn(deps);
    const none = withPayload(victim.accessToken, () => {}).split(".");
    const unsigned = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${none[1]}.`;
    const otherKey = await new SignJWT({ role: "admin", preferred_language: "fr", country: "SN", sid: randomUUID() })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(victim.userId)
      .setIssuer(authKeys(deps.config).issuer)
      .setAudience(authKeys(deps.config).audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti(randomUUID())
      .sign(new TextEncoder().encode("not-the-server-key-not-the-server-key!!"));
    for (const token of [unsigned, otherKey]) {
      const res = await app.request(ME, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("TOKEN_INVALID");
    }
  });

  it("refuses tRPC users procedures without an actor", async () => {
    const res = await app.request("/trpc/users.me");
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { data: { code: string } } }).error.data.code).toBe("UNAUTHENTICATED");
  });
});

describe("a user can never read or change another user's data", () => {
  it("has no address that takes a user id", async () => {
    const a = await signIn(deps);
    const b = await signIn(deps);
    for (const path of [`/api/v1/users/${b.userId}`, `/api/v1/users/${b.userId}/export`]) {
      const res = await app.request(path, { headers: a.headers });
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe("ROUTE_NOT_FOUND");
    }
  });

  it("reads only the token's subject, whatever the query says", async () => {
    const a = await signIn(deps);
    const b = await signIn(deps);
    const res = await app.request(`${ME}?user_id=${b.userId}&id=${b.userId}`, { headers: a.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Profile;
    expect(body.id).toBe(a.userId);
    expect(body.email).toBe(a.email);
  });

  it("changes only the token's subject; an id in the body is refused", async () => {
    const a = await signIn(deps, { name: "Awa" });
    const b = await signIn(deps, { name: "Binta" });
    const smuggled = await call("PATCH", ME, { id: b.userId, name: "Piratée" }, a.headers);
    expect(smuggled.status).toBe(400);
    expect(await row(b.userId)).toMatchObject({ name: "Binta" });
    const own = await call("PATCH", ME, { name: "Awa Diop" }, a.headers);
    expect(own.status).toBe(200);
    expect((await row(a.userId)).name).toBe("Awa Diop");
    expect((await row(b.userId)).name).toBe("Binta");
  });

  it("exports only the token's subject's rows", async () => {
    const a = await signIn(deps);
    const b = await signIn(deps);
    for (const user of [a, b]) {
      await deps.db.usageEvent.create({ data: { userId: user.userId, kind: "lesson_view" } });
      await deps.db.auditLog.create({
        data: { actorId: user.userId, action: "auth.login", targetType: "user", targetId: user.userId },
      });
    }
    const res = await app.request(`${ME}/export`, { headers: a.headers });
    const text = await res.text();
    const data = JSON.parse(text) as UserExport;
    expect(data.profile.id).toBe(a.userId);
    expect(data.usage_events.map((e) => e.user_id)).toEqual([a.userId]);
    expect(data.audit_entries.map((e) => e.actor_id)).toEqual([a.userId]);
    expect(data.sessions.map((s) => s.user_id)).toEqual([a.userId]);
    expect(text).not.toContain(b.userId);
    expect(text).not.toContain(b.email);
  });

  it("erases only the token's subject", async () => {
    const a = await signIn(deps);
    const b = await signIn(deps);
    await deps.db.usageEvent.create({ data: { userId: b.userId, kind: "lesson_view" } });
    expect((await call("DELETE", ME, { confirm: "DELETE" }, a.headers)).status).toBe(200);
    expect((await row(a.userId)).deletedAt).not.toBeNull();
    expect(await row(b.userId)).toMatchObject({ email: b.email, deletedAt: null, status: "active" });
    expect(await deps.db.usageEvent.count({ where: { userId: b.userId } })).toBe(1);
    expect(await deps.db.refreshToken.count({ where: { userId: b.userId, revokedAt: null } })).toBe(1);
    expect((await app.request(ME, { headers: b.headers })).status).toBe(200);
  });

  it("keeps a learner from raising their own role or streak through tRPC", async () => {
    const a = await signIn(deps);
    const caller = await callerFor(a);
    const error = await caller.users
      .update({ name: "X", role: "admin" } as unknown as { name: string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(await row(a.userId)).toMatchObject({ role: "learner", name: "Aminata Traoré" });
  });
});

describe("erasure cannot be blocked", () => {
  it("refuses to register an address of the erased-account domain", async () => {
    const victim = await signIn(deps);
    const squatter = await call(
      "POST",
      "/api/v1/auth/register",
      {
        email: `erased-${victim.userId}@erased.invalid`,
        name: "Squatter",
        preferred_language: "fr",
        country: "SN",
        professional_role: "none",
      },
      {},
    );
    expect(squatter.status).toBe(400);
    expect(await deps.db.user.count({ where: { email: `erased-${victim.userId}@erased.invalid` } })).toBe(0);
  });

  it("goes through even when the address the erased account would take is already in use", async () => {
    const victim = await signIn(deps);
    // Defence in depth: registration refuses the domain, but an old row might still hold it.
    await deps.db.user.create({
      data: {
        email: `erased-${victim.userId}@erased.invalid`,
        name: "Squatter",
        preferredLanguage: "fr",
        country: "SN",
        professionalRole: "none",
      },
    });

    expect((await call("DELETE", ME, { confirm: "DELETE" }, victim.headers)).status).toBe(200);
    const erased = await row(victim.userId);
    expect(erased.deletedAt).not.toBeNull();
    expect(erased.email).toMatch(new RegExp(`^erased-${victim.userId}-[0-9a-f]{8}@erased\\.invalid$`));
  });
});

describe("a token issued before the account was erased or disabled", () => {
  it("is refused on every /users/me route after erasure: 401 UNAUTHENTICATED", async () => {
    const user = await signIn(deps);
    expect((await call("DELETE", ME, { confirm: "DELETE" }, user.headers)).status).toBe(200);
    for (const [method, path, body] of requests) {
      const res = await call(method, path, body, user.headers);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("UNAUTHENTICATED");
    }
  });

  it("is refused by the tRPC procedures after erasure", async () => {
    const user = await signIn(deps);
    const caller = await callerFor(user);
    await caller.users.erase({ confirm: "DELETE" });
    for (const attempt of [
      () => caller.users.me(),
      () => caller.users.update({ name: "Revenant" }),
      () => caller.users.export(),
      () => caller.users.erase({ confirm: "DELETE" }),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).cause).toMatchObject({ code: "UNAUTHENTICATED" });
    }
  });

  it("is refused once an administrator disabled the account", async () => {
    const user = await signIn(deps);
    await deps.db.user.update({ where: { id: user.userId }, data: { status: "disabled" } });
    const res = await app.request(ME, { headers: user.headers });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("UNAUTHENTICATED");
  });
});
