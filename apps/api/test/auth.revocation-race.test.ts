/**
 * A refresh that is mid-rotation when a session ends must not leave its successor alive: each
 * revocation waits for the rotation to commit and then revokes the successor too. A raw connection
 * holds a rotation (successor inserted, old token marked replaced) open while the revocation starts.
 */
import { randomUUID } from "node:crypto";
import { revokedSessionKey, startSession, tokenPair } from "@sira/domain";
import { createRedis } from "@sira/infra";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { apiOnPort, type SignedIn, sendJson, signIn } from "./helpers.ts";
import { lockWaiters } from "./lock-waiters.ts";

const api = apiOnPort({ REFRESH_RETRY_GRACE_SECONDS: "0" });
const redis = createRedis(process.env.REDIS_URL as string);
afterAll(() => redis.disconnect());

/** Opens a rotation of `familyId`'s live token on its own connection and leaves it uncommitted. */
async function openRotation(userId: string, familyId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  const successor = randomUUID();
  await client.query(
    `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + interval '1 day')`,
    [successor, userId, familyId, `race-${successor}`],
  );
  const { rowCount } = await client.query(
    `UPDATE refresh_tokens SET revoked_at = now(), replaced_by_id = $1, last_used_at = now()
     WHERE family_id = $2 AND revoked_at IS NULL AND replaced_by_id IS NULL AND id <> $1`,
    [successor, familyId],
  );
  expect(rowCount).toBe(1);
  return client;
}

/** Starts `revoke` while a rotation of the family is open, commits the rotation once it waits. */
async function raceRotation<T>(userId: string, familyId: string, revoke: () => Promise<T>): Promise<T> {
  const rotation = await openRotation(userId, familyId);
  try {
    const revoking = revoke();
    await lockWaiters(rotation, 1);
    await rotation.query("COMMIT");
    return await revoking;
  } finally {
    await rotation.end();
  }
}

async function familyOf(user: SignedIn): Promise<string> {
  const row = await api.deps.db.refreshToken.findFirstOrThrow({ where: { userId: user.userId } });
  return row.familyId;
}

async function expectAllEnded(userId: string, familyId: string) {
  const live = await api.deps.db.refreshToken.count({ where: { userId, revokedAt: null } });
  expect(live).toBe(0);
  expect(await redis.exists(revokedSessionKey(familyId))).toBe(1);
}

describe("a refresh racing a revocation", () => {
  it("does not survive an admin ending all of the user's sessions", async () => {
    const learner = await signIn(api.deps);
    const admin = await signIn(api.deps, { role: "admin" });
    const familyId = await familyOf(learner);
    const res = await raceRotation(learner.userId, familyId, () =>
      sendJson(api.base, "POST", `/api/v1/admin/users/${learner.userId}/revoke-sessions`, {}, admin.headers),
    );
    expect(res).toEqual({ status: 200, body: { revoked_tokens: 1 } });
    await expectAllEnded(learner.userId, familyId);
  });

  it("does not survive it when the real rotation is paused after inserting its successor", async () => {
    const learner = await signIn(api.deps);
    const admin = await signIn(api.deps, { role: "admin" });
    const familyId = await familyOf(learner);
    const pause = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await pause.connect();
    try {
      // Holding the presented token's row stops the rotation between its insert and its update.
      await pause.query("BEGIN");
      await pause.query("SELECT id FROM refresh_tokens WHERE family_id = $1 FOR UPDATE", [familyId]);
      const refreshing = sendJson(api.base, "POST", "/api/v1/auth/refresh", { refresh_token: learner.refreshToken });
      await lockWaiters(pause, 1);
      const revoking = sendJson(
        api.base,
        "POST",
        `/api/v1/admin/users/${learner.userId}/revoke-sessions`,
        {},
        admin.headers,
      );
      await lockWaiters(pause, 2);
      await pause.query("COMMIT");
      const refreshed = await refreshing;
      expect(refreshed.status).toBe(200);
      expect(await revoking).toEqual({ status: 200, body: { revoked_tokens: 1 } });
      const again = await sendJson(api.base, "POST", "/api/v1/auth/refresh", {
        refresh_token: refreshed.body.refresh_token,
      });
      expect(again.status).toBe(401);
      await expectAllEnded(learner.userId, familyId);
    } finally {
      await pause.end();
    }
  });

  it("does not survive the user ending that session from another one", async () => {
    const phone = await signIn(api.deps);
    const user = await api.deps.db.user.findUniqueOrThrow({ where: { id: phone.userId } });
    const meta = { ip: null, userAgent: "second phone", requestId: null, now: new Date() };
    const other = await startSession(api.deps.db, user.id, meta, api.deps.config.REFRESH_TOKEN_TTL_DAYS);
    await tokenPair({ config: api.deps.config, meta }, user, other);
    const res = await raceRotation(phone.userId, other.familyId, () =>
      sendJson(api.base, "DELETE", `/api/v1/auth/sessions/${other.familyId}`, undefined, phone.headers),
    );
    expect(res.status).toBe(200);
    const live = await api.deps.db.refreshToken.count({ where: { familyId: other.familyId, revokedAt: null } });
    expect(live).toBe(0);
    expect(await redis.exists(revokedSessionKey(other.familyId))).toBe(1);
  });

  it("does not survive the reuse of a rotated token revoking its family", async () => {
    const learner = await signIn(api.deps);
    const familyId = await familyOf(learner);
    const first = await sendJson(api.base, "POST", "/api/v1/auth/refresh", { refresh_token: learner.refreshToken });
    expect(first.status).toBe(200);
    const reuse = await raceRotation(learner.userId, familyId, () =>
      sendJson(api.base, "POST", "/api/v1/auth/refresh", { refresh_token: learner.refreshToken }),
    );
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe("REFRESH_TOKEN_REUSED");
    await expectAllEnded(learner.userId, familyId);
  });
});
