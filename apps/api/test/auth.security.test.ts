/** Who and what sign-in must refuse, each with its stable problem code. */
import { authKeys } from "@sira/domain";
import { base64url, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeAt } from "../../../test/totp-code.ts";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";
import { emailCodeFor, outboxMessage } from "./outbox.ts";
import { until } from "./workers.ts";

let app: ReturnType<typeof testApp>["app"];
let deps: ReturnType<typeof testApp>["deps"];
beforeAll(() => {
  ({ app, deps } = testApp());
});
beforeEach(() => resetState());
afterAll(() => closeTestDeps());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

const EMAIL = "ibrahim.kone@example.org";
const PENDING = { name: "Awa Diallo", preferred_language: "fr", country: "SN", professional_role: "student" };

async function activeAccount(): Promise<{ secret: string; backup: string[] }> {
  const reg = await post("/api/v1/auth/register", {
    email: EMAIL,
    name: "Ibrahim Koné",
    preferred_language: "en",
    country: "CI",
    professional_role: "pharmacist",
  });
  const enrolment = (await reg.json()) as { totp: { secret: string }; backup_codes: string[] };
  const ok = await post("/api/v1/auth/totp/confirm", {
    email: EMAIL,
    code: await codeAt(enrolment.totp.secret, -1),
    email_code: await emailCodeFor(deps.db, EMAIL),
  });
  expect(ok.status).toBe(200);
  return { secret: enrolment.totp.secret, backup: enrolment.backup_codes };
}

describe("TOTP codes", () => {
  it("accept each time step once: a replayed code is refused", async () => {
    const { secret } = await activeAccount();
    const code = await codeAt(secret);
    expect((await post("/api/v1/auth/login", { email: EMAIL, code })).status).toBe(200);
    const replay = await post("/api/v1/auth/login", { email: EMAIL, code });
    expect(replay.status).toBe(401);
    expect(await codeOf(replay)).toBe("TOTP_CODE_REUSED");
  });

  it("refuse codes outside the ±1 step window", async () => {
    const { secret } = await activeAccount();
    for (const offset of [-3, 3]) {
      const res = await post("/api/v1/auth/login", { email: EMAIL, code: await codeAt(secret, offset) });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("INVALID_CREDENTIALS");
    }
    expect((await post("/api/v1/auth/login", { email: EMAIL, code: await codeAt(secret, 1) })).status).toBe(200);
  });
});

describe("refresh tokens", () => {
  it("revoke the whole family when a rotated token is presented again", async () => {
    const { secret } = await activeAccount();
    const first = (await (await post("/api/v1/auth/login", { email: EMAIL, code: await codeAt(secret) })).json()) as {
      refresh_token: string;
    };
    const second = (await (await post("/api/v1/auth/refresh", { refresh_token: first.refresh_token })).json()) as {
      refresh_token: string;
    };
    // Once its successor was rotated in turn, the first token is no lost-answer retry (decision 0029).
    const third = (await (await post("/api/v1/auth/refresh", { refresh_token: second.refresh_token })).json()) as {
      refresh_token: string;
    };
    const reuse = await post("/api/v1/auth/refresh", { refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);
    expect(await codeOf(reuse)).toBe("REFRESH_TOKEN_REUSED");
    // The legitimate-looking successor dies with its family.
    const successor = await post("/api/v1/auth/refresh", { refresh_token: third.refresh_token });
    expect(await codeOf(successor)).toBe("REFRESH_TOKEN_INVALID");
    const audit = await deps.db.auditLog.count({ where: { action: "auth.refresh_reuse_detected" } });
    expect(audit).toBe(1);
  });
});

describe("access tokens", () => {
  const protectedGet = (token: string) =>
    app.request("/api/v1/auth/sessions", { headers: { authorization: `Bearer ${token}`, "accept-language": "en" } });

  interface Forgery {
    alg?: string;
    key?: Uint8Array;
    audience?: string;
    issuedAt?: number;
    expiresAt?: number;
  }

  async function forge(f: Forgery = {}): Promise<string> {
    const { userId } = await signIn(deps);
    const keys = authKeys(deps.config);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: "admin", preferred_language: "fr", country: "SN", sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: f.alg ?? "HS256" })
      .setSubject(userId)
      .setIssuer(keys.issuer)
      .setAudience(f.audience ?? keys.audience)
      .setIssuedAt(f.issuedAt ?? now)
      .setExpirationTime(f.expiresAt ?? now + 600)
      .setJti(crypto.randomUUID())
      .sign(f.key ?? keys.jwtKey);
  }

  it("accept a genuine token", async () => {
    const { accessToken } = await signIn(deps);
    expect((await protectedGet(accessToken)).status).toBe(200);
  });

  it("refuse a token whose payload was tampered with", async () => {
    const { accessToken } = await signIn(deps);
    const [header, payload, signature] = accessToken.split(".") as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forged = base64url.encode(JSON.stringify({ ...claims, role: "admin" }));
    const res = await protectedGet(`${header}.${forged}.${signature}`);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("TOKEN_INVALID");
  });

  it("refuse alg=none", async () => {
    const { accessToken } = await signIn(deps);
    const payload = accessToken.split(".")[1] as string;
    const none = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const res = await protectedGet(`${none}.${payload}.`);
    expect(await codeOf(res)).toBe("TOKEN_INVALID");
  });

  it("refuse another algorithm, another key and another audience", async () => {
    const hs512 = await forge({ alg: "HS512" });
    const otherKey = await forge({ key: new TextEncoder().encode("x".repeat(64)) });
    const otherAudience = await forge({ audience: "another-app" });
    for (const token of [hs512, otherKey, otherAudience]) {
      const res = await protectedGet(token);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("TOKEN_INVALID");
    }
  });

  it("say an expired token is expired, so the client refreshes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await forge({ issuedAt: now - 3600, expiresAt: now - 60 });
    const res = await protectedGet(expired);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("TOKEN_EXPIRED");
  });

  it("refuse a malformed Authorization header instead of ignoring it", async () => {
    const res = await app.request("/api/v1/auth/sessions", { headers: { authorization: "Basic abc" } });
    expect(await codeOf(res)).toBe("TOKEN_INVALID");
  });
});

describe("roles and ownership", () => {
  it("give a learner 403 on an admin route, and let an admin through", async () => {
    const learner = await signIn(deps, { role: "learner" });
    const admin = await signIn(deps, { role: "admin" });
    const path = `/api/v1/admin/users/${learner.userId}/revoke-sessions`;
    const refused = await post(path, {}, learner.headers);
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe("FORBIDDEN");
    const done = await post(path, {}, admin.headers);
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ revoked_tokens: 1 });
    const refresh = await post("/api/v1/auth/refresh", { refresh_token: learner.refreshToken });
    expect(await codeOf(refresh)).toBe("REFRESH_TOKEN_INVALID");
  });

  it("never let a user see or end another user's session", async () => {
    const a = await signIn(deps);
    const b = await signIn(deps);
    const listed = (await (await app.request("/api/v1/auth/sessions", { headers: a.headers })).json()) as {
      items: unknown[];
    };
    expect(listed.items).toHaveLength(1);
    const bSession = (await deps.db.refreshToken.findFirstOrThrow({ where: { userId: b.userId } })).familyId;
    const res = await app.request(`/api/v1/auth/sessions/${bSession}`, { method: "DELETE", headers: a.headers });
    expect(res.status).toBe(404);
    expect((await post("/api/v1/auth/refresh", { refresh_token: b.refreshToken })).status).toBe(200);
  });
});

describe("brute force and enumeration", () => {
  /** The parts of a refusal an attacker can compare (ids and paths differ by nature). */
  const shape = async (res: Response) => {
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, retry: res.headers.get("retry-after"), code: body.code, detail: body.detail };
  };

  it("delays an account after five failures, and answers an unknown email exactly the same way", async () => {
    const { secret } = await activeAccount();
    const ghost = "nobody.here@example.org";
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(
        await shape(
          await post("/api/v1/auth/login", { email: EMAIL, code: "000000" }, { "x-forwarded-for": "10.0.0.1" }),
        ),
      );
      unknown.push(await shape(await post("/api/v1/auth/login", { email: ghost, code: "000000" })));
    }
    expect(known.slice(0, 5)).toEqual(
      Array(5).fill({
        status: 401,
        retry: null,
        code: "INVALID_CREDENTIALS",
        detail: "Adresse e-mail ou code incorrect.",
      }),
    );
    // A short first delay (decision 0025), not a lock of a quarter of an hour.
    expect(known[5]).toMatchObject({ status: 429, code: "AUTH_LOCKED", retry: "30" });
    expect(unknown.map((u) => ({ ...(u as object), retry: Boolean((u as { retry: string | null }).retry) }))).toEqual(
      known.map((k) => ({ ...(k as object), retry: Boolean((k as { retry: string | null }).retry) })),
    );

    // Even the right code is refused while the delay runs.
    const locked = await post("/api/v1/auth/login", { email: EMAIL, code: await codeAt(secret) });
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBeTruthy();
  });

  it("answers registration of a taken email like a new one, with an enrolment that confirms nothing", async () => {
    await activeAccount();
    const again = await post("/api/v1/auth/register", {
      email: EMAIL,
      name: "Someone Else",
      preferred_language: "fr",
      country: "ML",
      professional_role: "student",
    });
    expect(again.status).toBe(201);
    const decoy = (await again.json()) as { totp: { secret: string; otpauth_uri: string }; backup_codes: string[] };
    expect(decoy.totp.otpauth_uri).toContain("issuer=Sira");
    expect(decoy.backup_codes).toHaveLength(10);
    const confirm = await post("/api/v1/auth/totp/confirm", { email: EMAIL, code: await codeAt(decoy.totp.secret) });
    expect(await codeOf(confirm)).toBe("INVALID_CREDENTIALS");
    const owner = await deps.db.user.findUniqueOrThrow({ where: { email: EMAIL } });
    expect(owner.name).toBe("Ibrahim Koné");
  });

  it("answers recovery requests identically whether or not the account exists", async () => {
    await activeAccount();
    const known = await post("/api/v1/auth/recovery/request", { email: EMAIL });
    const unknown = await post("/api/v1/auth/recovery/request", { email: "ghost@example.org" });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.json()).toEqual(await unknown.json());
    await outboxMessage(deps.db, EMAIL, "auth.recovery");
    expect(await deps.db.magicLinkToken.count()).toBe(1);
  });

  // An answer that waited for the link or the code would take longer for a real account.
  it("answers recovery and email-code requests before making the link or the code", async () => {
    await activeAccount();
    await post("/api/v1/auth/register", { ...PENDING, email: "pending@example.org" });
    await outboxMessage(deps.db, "pending@example.org", "auth.email_code");
    for (const [path, email, template] of [
      ["/api/v1/auth/recovery/request", EMAIL, "auth.recovery"],
      ["/api/v1/auth/email-code/request", "pending@example.org", "auth.email_code"],
    ] as const) {
      const count = () => deps.db.emailOutbox.count({ where: { toAddress: email, template } });
      const before = await count();
      const user = await deps.db.user.findUniqueOrThrow({ where: { email } });
      // Holding the account's row blocks the link's or code's insert (its foreign key), so its email.
      const answered = await deps.db.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
          const res = await post(path, { email });
          await new Promise((r) => setTimeout(r, 200));
          expect(await count()).toBe(before);
          return res.status;
        },
        { timeout: 10_000 },
      );
      expect(answered).toBe(202);
      await until(count, (n) => n === before + 1);
      expect(await count()).toBe(before + 1);
    }
  });

  it("refuses a name that would display as something else, before any account exists", async () => {
    const res = await post("/api/v1/auth/register", {
      ...PENDING,
      email: "spoof@example.org",
      name: "Admin\u202Eeriuqér",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "name" }] });
    expect(await deps.db.user.count({ where: { email: "spoof@example.org" } })).toBe(0);
  });

  it("keeps codes and secrets out of the audit log", async () => {
    const { secret, backup } = await activeAccount();
    await post("/api/v1/auth/login", { email: EMAIL, code: await codeAt(secret) });
    await post("/api/v1/auth/login", { email: EMAIL, code: backup[0] as string });
    const rows = JSON.stringify(await deps.db.auditLog.findMany());
    expect(rows).toContain("auth.login");
    expect(rows).not.toContain(secret);
    expect(rows).not.toContain(backup[0] as string);
  });
});
