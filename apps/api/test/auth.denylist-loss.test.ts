/**
 * A Redis that lost its data (a restart without persistence, a failover) has lost the list of
 * ended sessions with it. Until the list is rebuilt from the database, the database decides, so
 * an ended session's access token stays refused; a live one keeps working, before and after. A
 * session ended by a transaction still open when Redis lost its data is not missed by the rebuild.
 */
import { DENYLIST_LOADED_KEY, endSession, revokedSessionKey, type SessionDenylist } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";

/** Polls until `probe` holds; the bound only proves it does not hang. */
async function eventually(probe: () => Promise<boolean>, boundMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > boundMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The session an access token names (its payload, unverified: the test made it). */
function sessionOf(accessToken: string): string {
  const payload = Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString();
  return (JSON.parse(payload) as { sid: string }).sid;
}

describe("the session denylist after Redis lost its data", () => {
  it("keeps an ended session refused, and rebuilds the list from the database", async () => {
    const ended = await signIn(deps);
    const live = await signIn(deps);
    // A refreshed session stays live: its rotated token is revoked without a reason.
    const refreshed = await app.request("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: live.refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const liveHeaders = {
      authorization: `Bearer ${((await refreshed.json()) as { access_token: string }).access_token}`,
    };

    expect((await app.request("/api/v1/auth/logout", { method: "POST", headers: ended.headers })).status).toBe(200);
    expect((await app.request(ME, { headers: ended.headers })).status).toBe(401);
    const sessionId = sessionOf(ended.accessToken);
    expect(await deps.redis.exists(revokedSessionKey(sessionId))).toBe(1);

    await deps.redis.flushdb();

    // Before the list is whole again: the database says the session ended.
    expect((await app.request(ME, { headers: ended.headers })).status).toBe(401);
    expect((await app.request(ME, { headers: liveHeaders })).status).toBe(200);
    expect((await app.request(ME, { headers: live.headers })).status).toBe(200);

    await eventually(async () => (await deps.redis.exists(DENYLIST_LOADED_KEY)) === 1);
    expect(await deps.redis.exists(revokedSessionKey(sessionId))).toBe(1);
    const ttl = await deps.redis.pttl(revokedSessionKey(sessionId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual((deps.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);

    // And after: the rebuilt entry refuses it, and the refreshed session was not listed.
    expect((await app.request(ME, { headers: ended.headers })).status).toBe(401);
    expect((await app.request(ME, { headers: liveHeaders })).status).toBe(200);
  });

  it("says unknown to a caller asking Redis on its own until the list is whole, then revoked", async () => {
    const ended = await signIn(deps);
    expect((await app.request("/api/v1/auth/logout", { method: "POST", headers: ended.headers })).status).toBe(200);
    const sessionId = sessionOf(ended.accessToken);
    const other = crypto.randomUUID();
    await deps.redis.flushdb();
    expect(await deps.denylist.check(other)).toBe("unknown"); // the caller then asks the database
    await deps.denylist.ensureLoaded();
    expect(await deps.denylist.check(sessionId)).toBe("revoked");
    expect(await deps.denylist.check(other)).toBe("live");
  });

  it("lists a session whose revocation wrote its entry, lost with Redis, and committed after the rebuild began", async () => {
    const ended = await signIn(deps);
    const sessionId = sessionOf(ended.accessToken);
    // The revocation's transaction stays open after writing its entry until the test lets it commit.
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const slow: SessionDenylist = {
      ...deps.denylist,
      async deny(ids) {
        await deps.denylist.deny(ids);
        written();
        await committing;
      },
    };
    const revocation = endSession(deps.db, ended.userId, sessionId, "logout", new Date(), slow);
    await wrote;
    expect(await deps.redis.exists(revokedSessionKey(sessionId))).toBe(1);

    await deps.redis.flushdb(); // Redis loses the entry with the rest of its data
    let rebuilt = false;
    const rebuild = deps.denylist.ensureLoaded().finally(() => {
      rebuilt = true;
    });
    // The rebuild either read already (it would have missed the session) or waits for the revocation.
    await eventually(async () => rebuilt || (await rebuildWaits()));
    commit();
    await revocation;
    await rebuild;

    expect(await deps.redis.exists(DENYLIST_LOADED_KEY)).toBe(1);
    expect(await deps.denylist.check(sessionId)).toBe("revoked");
    expect((await app.request(ME, { headers: ended.headers })).status).toBe(401);
  });
});

/** Whether a transaction of this test's database waits for an advisory lock (the rebuild's). */
async function rebuildWaits(): Promise<boolean> {
  const [row] = await deps.db.$queryRaw<{ waiting: number }[]>`
    SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_database d ON d.oid = l.database
    WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`;
  return (row?.waiting ?? 0) > 0;
}
