/**
 * Ended sessions, disabled accounts and changed roles stop working at once, not at access-token
 * expiry, through the API listening on a port, REST and tRPC alike; the database decides when
 * Redis is down. Refresh tokens forgive a quick retry (the answer lost on 2G) but no other reuse,
 * and a session ends at its absolute lifetime however often it is refreshed.
 */
import type { TokenPair } from "@sira/contracts";
import { authKeys, startSession, tokenPair, verifyAccessToken } from "@sira/domain";
import { freePort } from "@sira/infra/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppDeps } from "../src/app-types.ts";
import { closeTestDeps, listen, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
let base: string;
beforeAll(async () => {
  base = await listen(app);
});
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";
const ADMIN_ROUTE = "/api/v1/admin/settings";

type Headers = Record<string, string>;
const bearer = (accessToken: string): Headers => ({ authorization: `Bearer ${accessToken}` });

const get = (at: string, path: string, headers: Headers) => fetch(at + path, { headers });
const send = (at: string, method: string, path: string, headers: Headers, body: unknown = {}) =>
  fetch(at + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const refresh = (at: string, refreshToken: string) =>
  send(at, "POST", "/api/v1/auth/refresh", {}, { refresh_token: refreshToken });
const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;
/**
 * GET /trpc/users.me: the tRPC side of the same check. The bearer middleware answers before tRPC
 * does, so a refused token gets the problem body that REST gets.
 */
const trpcMe = async (at: string, headers: Headers) => {
  const res = await fetch(`${at}/trpc/users.me`, { headers });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
};

async function expectRefused(at: string, headers: Headers) {
  const res = await get(at, ME, headers);
  expect(res.status).toBe(401);
  expect(await codeOf(res)).toBe("UNAUTHENTICATED");
}

/** A second, real session of the same user (another phone), through the product's own functions. */
async function anotherSession(on: AppDeps, user: SignedIn): Promise<TokenPair & { sessionId: string }> {
  const row = await on.db.user.findUniqueOrThrow({ where: { id: user.userId } });
  const meta = { ip: null, userAgent: "second phone", requestId: null, now: new Date() };
  const session = await startSession(on.db, user.userId, meta, on.config.REFRESH_TOKEN_TTL_DAYS);
  return { ...(await tokenPair({ config: on.config, meta }, row, session)), sessionId: session.familyId };
}

describe("an ended session's access token", () => {
  it("is refused on REST and tRPC as soon as an admin ends the user's sessions", async () => {
    const learner = await signIn(deps);
    const admin = await signIn(deps, { role: "admin" });
    expect((await get(base, ME, learner.headers)).status).toBe(200);
    expect((await trpcMe(base, learner.headers)).status).toBe(200);

    const revoke = await send(base, "POST", `/api/v1/admin/users/${learner.userId}/revoke-sessions`, admin.headers);
    expect(await revoke.json()).toEqual({ revoked_tokens: 1 });
    const endedAt = Date.now();

    await expectRefused(base, learner.headers);
    expect(await trpcMe(base, learner.headers)).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    expect(Date.now() - endedAt).toBeLessThan(5_000); // seconds, not the token's 15 minutes
    expect((await get(base, ME, admin.headers)).status).toBe(200);
  });

  it("is refused after logout, and after the session is ended from the list, while other sessions go on", async () => {
    const phone = await signIn(deps);
    const tablet = await anotherSession(deps, phone);
    const ended = await send(base, "DELETE", `/api/v1/auth/sessions/${tablet.sessionId}`, phone.headers);
    expect(ended.status).toBe(200);
    await expectRefused(base, bearer(tablet.access_token));
    expect((await get(base, ME, phone.headers)).status).toBe(200);

    expect((await send(base, "POST", "/api/v1/auth/logout", phone.headers)).status).toBe(200);
    await expectRefused(base, phone.headers);
  });

  it("is refused once the refresh family was revoked for reuse", async () => {
    const learner = await signIn(deps);
    const first = (await (await refresh(base, learner.refreshToken)).json()) as TokenPair;
    const second = (await (await refresh(base, first.refresh_token)).json()) as TokenPair;
    expect((await get(base, ME, bearer(second.access_token))).status).toBe(200);

    const reuse = await refresh(base, learner.refreshToken);
    expect(await codeOf(reuse)).toBe("REFRESH_TOKEN_REUSED");
    await expectRefused(base, bearer(second.access_token));
  });
});

describe("account changes by an admin", () => {
  it("disabling an account refuses its token and its refresh at once; re-enabling does not revive them", async () => {
    const learner = await signIn(deps);
    const admin = await signIn(deps, { role: "admin" });
    const disabled = await send(base, "POST", `/api/v1/admin/users/${learner.userId}/disable`, admin.headers);
    expect(await disabled.json()).toEqual({
      id: learner.userId,
      role: "learner",
      status: "disabled",
      revoked_tokens: 1,
    });

    await expectRefused(base, learner.headers);
    expect(await trpcMe(base, learner.headers)).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    expect(await codeOf(await refresh(base, learner.refreshToken))).toBe("REFRESH_TOKEN_INVALID");

    const enabled = await send(base, "POST", `/api/v1/admin/users/${learner.userId}/enable`, admin.headers);
    expect(enabled.status).toBe(200);
    await expectRefused(base, learner.headers);
  });

  it("a demoted admin's token stops reaching admin routes and every other route at once", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const colleague = await signIn(deps, { role: "admin" });
    expect((await get(base, ADMIN_ROUTE, colleague.headers)).status).toBe(200);

    const changed = await send(base, "PUT", `/api/v1/admin/users/${colleague.userId}/role`, admin.headers, {
      role: "learner",
    });
    expect(await changed.json()).toMatchObject({ role: "learner", revoked_tokens: 1 });

    const refused = await get(base, ADMIN_ROUTE, colleague.headers);
    expect(refused.status).toBe(401);
    await expectRefused(base, colleague.headers);
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "admin.user_role_changed" } });
    expect(audit).toMatchObject({ actorId: admin.userId, targetId: colleague.userId });
  });

  it("refuses an admin changing their own account, and a learner changing anyone's", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const self = await send(base, "PUT", `/api/v1/admin/users/${admin.userId}/role`, admin.headers, {
      role: "learner",
    });
    expect(self.status).toBe(409);
    const promote = await send(base, "PUT", `/api/v1/admin/users/${learner.userId}/role`, learner.headers, {
      role: "admin",
    });
    expect(promote.status).toBe(403);
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).role).toBe("learner");
  });
});

describe("with Redis down", () => {
  let down: { app: typeof app; deps: AppDeps };
  let downBase: string;
  beforeAll(async () => {
    down = testApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
    downBase = await listen(down.app);
  });

  it("the database still refuses ended sessions and disabled accounts, and lets live ones through", async () => {
    const ended = await signIn(deps);
    const disabled = await signIn(deps);
    const live = await signIn(deps);
    const admin = await signIn(deps, { role: "admin" });
    await send(base, "POST", `/api/v1/admin/users/${ended.userId}/revoke-sessions`, admin.headers);
    await send(base, "POST", `/api/v1/admin/users/${disabled.userId}/disable`, admin.headers);

    await expectRefused(downBase, ended.headers);
    await expectRefused(downBase, disabled.headers);
    expect(await trpcMe(downBase, ended.headers)).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    expect((await get(downBase, ME, live.headers)).status).toBe(200);
  });

  it("a role changed while Redis is down is enforced: the database refuses the old token, and admin routes read the role", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const colleague = await signIn(deps, { role: "admin" });
    const changed = await send(downBase, "PUT", `/api/v1/admin/users/${colleague.userId}/role`, admin.headers, {
      role: "expert",
    });
    expect(changed.status).toBe(200);

    // This process could not write the denylist: its own requests ask the database.
    await expectRefused(downBase, colleague.headers);
    // A process whose Redis is up, and missed the entry, still reads admin roles from the database.
    const elsewhere = await get(base, ADMIN_ROUTE, colleague.headers);
    expect(elsewhere.status).toBe(403);
    expect(await codeOf(elsewhere)).toBe("FORBIDDEN");
    const procedure = await get(base, "/trpc/admin.settings.list", colleague.headers);
    expect(procedure.status).toBe(403);
    expect(((await procedure.json()) as { error: { data: { code: string } } }).error.data.code).toBe("FORBIDDEN");
  });
});

describe("refresh retries", () => {
  it("a retry within the grace window gets the same successor and a working access token of the same session", async () => {
    const learner = await signIn(deps);
    const first = await refresh(base, learner.refreshToken);
    expect(first.status).toBe(200);
    const answer = (await first.json()) as TokenPair;
    const retry = await refresh(base, learner.refreshToken); // the first answer was lost on the way
    expect(retry.status).toBe(200);
    const again = (await retry.json()) as TokenPair;

    expect(again.refresh_token).toBe(answer.refresh_token);
    expect(again.refresh_expires_at).toBe(answer.refresh_expires_at);
    expect((await get(base, ME, bearer(again.access_token))).status).toBe(200);
    const keys = authKeys(deps.config);
    const [a, b] = await Promise.all([
      verifyAccessToken(keys, answer.access_token),
      verifyAccessToken(keys, again.access_token),
    ]);
    expect(b.sessionId).toBe(a.sessionId);
    // Stored only as a hash, like every refresh token.
    expect(await deps.db.refreshToken.count({ where: { userId: learner.userId } })).toBe(2);
    expect((await refresh(base, again.refresh_token)).status).toBe(200);
  });

  it("two parallel refreshes of one token both get the same successor", async () => {
    const learner = await signIn(deps);
    const [x, y] = await Promise.all([refresh(base, learner.refreshToken), refresh(base, learner.refreshToken)]);
    expect([x.status, y.status]).toEqual([200, 200]);
    const [px, py] = (await Promise.all([x.json(), y.json()])) as TokenPair[];
    expect(px?.refresh_token).toBe(py?.refresh_token);
    expect(await deps.db.refreshToken.count({ where: { userId: learner.userId, revokedAt: null } })).toBe(1);
  });

  it("an older token presented again, even within the window, revokes the family", async () => {
    const learner = await signIn(deps);
    const one = (await (await refresh(base, learner.refreshToken)).json()) as TokenPair;
    const two = (await (await refresh(base, one.refresh_token)).json()) as TokenPair;
    expect(await codeOf(await refresh(base, learner.refreshToken))).toBe("REFRESH_TOKEN_REUSED");
    expect(await codeOf(await refresh(base, two.refresh_token))).toBe("REFRESH_TOKEN_INVALID");
    expect(await deps.db.auditLog.count({ where: { action: "auth.refresh_reuse_detected" } })).toBe(1);
  });

  it("a retry after the window revokes the family", async () => {
    const short = testApp({ REFRESH_RETRY_GRACE_SECONDS: "1" });
    const at = await listen(short.app);
    const learner = await signIn(short.deps);
    const next = (await (await refresh(at, learner.refreshToken)).json()) as TokenPair;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await codeOf(await refresh(at, learner.refreshToken))).toBe("REFRESH_TOKEN_REUSED");
    expect(await codeOf(await refresh(at, next.refresh_token))).toBe("REFRESH_TOKEN_INVALID");
    await expectRefused(at, bearer(next.access_token));
  });
});

describe("the session's absolute lifetime", () => {
  it("ends the session however recently it was refreshed; signing in again starts a new one", async () => {
    const brief = testApp({ REFRESH_SESSION_MAX_AGE_SECONDS: "2" });
    const at = await listen(brief.app);
    const learner = await signIn(brief.deps);
    const started = await brief.deps.db.refreshToken.findFirstOrThrow({ where: { userId: learner.userId } });

    const refreshed = (await (await refresh(at, learner.refreshToken)).json()) as TokenPair;
    // The successor never outlives the session, whatever REFRESH_TOKEN_TTL_DAYS says.
    expect(new Date(refreshed.refresh_expires_at).getTime()).toBe(started.createdAt.getTime() + 2_000);
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const late = await refresh(at, refreshed.refresh_token);
    expect(late.status).toBe(401);
    expect(await codeOf(late)).toBe("REFRESH_TOKEN_INVALID");
    const again = await anotherSession(brief.deps, learner);
    expect((await refresh(at, again.refresh_token)).status).toBe(200);
  });
});
