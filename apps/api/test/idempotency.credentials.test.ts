/**
 * Idempotency never keeps credentials: sign-in calls (`/api/v1/auth/*`, tRPC `auth.*`) sent with an
 * Idempotency-Key run without storing anything (decision 0027), and erasure leaves no stored reply
 * of the user behind.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { answersWithCredentials } from "../src/http/idempotency.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const json = { "content-type": "application/json" };
const keyed = () => ({ "idempotency-key": `auth-${randomUUID()}` });

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });

interface Enrolment {
  totp: { secret: string; otpauth_uri: string };
  backup_codes: string[];
}
interface Tokens {
  access_token: string;
  refresh_token: string;
}

const profile = (email: string) => ({
  email,
  name: "Mariama Bâ",
  preferred_language: "fr",
  country: "sn",
  professional_role: "infirmière",
});

/** Everything stored for replays, as one string to search for secrets. */
async function storedReplies(): Promise<string> {
  return JSON.stringify(await deps.db.idempotencyKey.findMany());
}

/** A refresh over REST with an Idempotency-Key: the answer holds a new token pair. */
async function refresh(user: SignedIn): Promise<Tokens> {
  const res = await post("/api/v1/auth/refresh", { refresh_token: user.refreshToken }, keyed());
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

describe("Idempotency-Key on sign-in calls", () => {
  it("stores no reply, token, TOTP secret or backup code for REST register, login and refresh", async () => {
    const reg = await post("/api/v1/auth/register", profile("mariama.ba@example.org"), keyed());
    expect(reg.status).toBe(201);
    const enrolment = (await reg.json()) as Enrolment;
    const login = await post("/api/v1/auth/login", { email: "mariama.ba@example.org", code: "000000" }, keyed());
    expect(login.status).toBe(401);
    const user = await signIn(deps);
    const tokens = await refresh(user);

    expect(await deps.db.idempotencyKey.count()).toBe(0);
    const stored = await storedReplies();
    for (const secret of [
      enrolment.totp.secret,
      ...enrolment.backup_codes,
      tokens.access_token,
      tokens.refresh_token,
    ]) {
      expect(stored).not.toContain(secret);
    }
  });

  it("runs a retried registration again instead of replaying the secret it handed out", async () => {
    const headers = keyed();
    const first = await post("/api/v1/auth/register", profile("awa.sarr@example.org"), headers);
    expect(first.status).toBe(201);
    const retried = await post("/api/v1/auth/register", profile("awa.sarr@example.org"), headers);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await deps.db.idempotencyKey.count()).toBe(0);
  });

  it("stores nothing for tRPC auth.* calls, alone or batched", async () => {
    const single = await post("/trpc/auth.register", profile("khady.fall@example.org"), keyed());
    expect(single.status).toBe(200);
    const enrolment = ((await single.json()) as { result: { data: Enrolment } }).result.data;
    expect(enrolment.totp.secret).toBeTruthy();
    await post(
      "/trpc/auth.refresh,auth.refresh?batch=1",
      { 0: { refresh_token: "x".repeat(43) }, 1: { refresh_token: "y".repeat(43) } },
      keyed(),
    );
    expect(await deps.db.idempotencyKey.count()).toBe(0);
    expect(await storedReplies()).not.toContain(enrolment.totp.secret);
  });

  it("still stores replies of other mutations", async () => {
    const user = await signIn(deps);
    const res = await app.request("/api/v1/users/me", {
      method: "PATCH",
      headers: { ...json, ...user.headers, ...keyed() },
      body: JSON.stringify({ name: "Ndeye Diop" }),
    });
    expect(res.status).toBe(200);
    expect(await deps.db.idempotencyKey.count({ where: { userId: user.userId, statusCode: 200 } })).toBe(1);
  });

  it.each([
    ["/trpc/auth.login", true],
    ["/trpc/users.updateProfile,auth.login", true],
    ["/trpc/%61uth.login", true],
    ["/trpc/users.updateProfile", false],
    ["/trpc/admin.codes.generate", true],
    ["/trpc/admin.codes.revoke", false],
    ["/api/v1/users/me", false],
    ["/api/v1/authors", false],
  ])("names %s as answering with credentials: %s", (path, expected) => {
    expect(answersWithCredentials(path)).toBe(expected);
  });
});

describe("erasure", () => {
  it("leaves no stored reply of the user (its own included), nor any of their credentials", async () => {
    const user = await signIn(deps, { email: "fatou.sy@example.org" });
    const tokens = await refresh(user);
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    const patched = await app.request("/api/v1/users/me", {
      method: "PATCH",
      headers: { ...json, ...auth, ...keyed() },
      body: JSON.stringify({ name: "Fatou Sy" }),
    });
    expect(patched.status).toBe(200);
    expect(await deps.db.idempotencyKey.count({ where: { userId: user.userId } })).toBe(1);

    const erased = await app.request("/api/v1/users/me", {
      method: "DELETE",
      headers: { ...json, ...auth, ...keyed() },
      body: JSON.stringify({ confirm: "DELETE" }),
    });
    expect(erased.status).toBe(200);

    const userId = user.userId;
    expect(await deps.db.idempotencyKey.count({ where: { OR: [{ userId }, { scope: `user:${userId}` }] } })).toBe(0);
    const stored = await storedReplies();
    for (const value of [user.email, "Fatou Sy", tokens.refresh_token, tokens.access_token]) {
      expect(stored).not.toContain(value);
    }
  });
});
