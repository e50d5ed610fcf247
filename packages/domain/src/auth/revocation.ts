/**
 * Access tokens of ended sessions stop working at once, not at expiry: every path that ends a
 * session writes its id (the token's `sid`) to a Redis denylist for as long as one of its access
 * tokens can live, and every authenticated request checks it. When Redis cannot answer, the
 * database decides (the session's refresh tokens, the account's status and role): never fail open.
 */
import type { Role } from "@sira/contracts";
import { type Config, type Logger, type Redis, redisDown } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { AccessClaims } from "./access-token.ts";

/** Ends the access tokens of sessions whose refresh tokens were just revoked. Never throws. */
export interface SessionDenylist {
  deny(sessionIds: readonly string[]): Promise<void>;
  /** Whether Redis lists the session as ended; "unknown" when Redis could not answer. */
  check(sessionId: string): Promise<"revoked" | "live" | "unknown">;
  /**
   * What `check` answers once Redis has said whether `revokedSessionKey(sessionId)` exists, for a
   * caller that asked in a round trip of its own (the API's rate limiter asks it with its count).
   */
  answer(sessionId: string, listed: boolean): "revoked" | "live";
}

/** The Redis key that lists an ended session. */
export const revokedSessionKey = (sessionId: string) => `auth:revoked-session:${sessionId}`;

/** Slack for clocks and for a refresh already past its checks when the session ended. */
const MARGIN_SECONDS = 60;

/**
 * The Redis denylist. Entries a failed write could not store are kept in this process and written
 * again on its next successful Redis call; meanwhile other processes see Redis down and ask the DB.
 */
export function redisSessionDenylist(
  redis: Redis,
  config: Pick<Config, "ACCESS_TOKEN_TTL_SECONDS">,
  logger: Logger,
): SessionDenylist {
  const ttl = config.ACCESS_TOKEN_TTL_SECONDS + MARGIN_SECONDS;
  /** Session id → when its entry may lapse (ms since epoch). */
  const unwritten = new Map<string, number>();
  let retrying = false;

  async function write(entries: [string, number][]): Promise<boolean> {
    const now = Date.now();
    for (const [id, until] of entries) if (until <= now) unwritten.delete(id);
    const live = entries.filter(([, until]) => until > now);
    if (live.length === 0) return true;
    try {
      const batch = redis.multi();
      for (const [id, until] of live) batch.set(revokedSessionKey(id), "1", "PX", until - now);
      const results = await batch.exec();
      if (!results || results.some(([error]) => error)) throw new Error("denylist write refused");
      for (const [id] of live) unwritten.delete(id);
      return true;
    } catch (error) {
      for (const [id, until] of live) unwritten.set(id, until);
      logger.warn({ err: (error as Error).message, sessions: live.length }, "session denylist not written; will retry");
      return false;
    }
  }

  function answer(sessionId: string, listed: boolean): "revoked" | "live" {
    if (unwritten.size === 0) return listed ? "revoked" : "live";
    const missed = unwritten.has(sessionId);
    if (!retrying) {
      retrying = true;
      void write([...unwritten]).finally(() => {
        retrying = false;
      });
    }
    return listed || missed ? "revoked" : "live";
  }

  return {
    async deny(sessionIds) {
      if (sessionIds.length === 0) return;
      const until = Date.now() + ttl * 1000;
      await write([...new Set(sessionIds)].map((id) => [id, until]));
    },
    async check(sessionId) {
      // Mid-outage a command would wait for a reconnect attempt first: the database answers at once.
      if (redisDown(redis)) return "unknown";
      let revoked: number;
      try {
        revoked = await redis.exists(revokedSessionKey(sessionId));
      } catch {
        return "unknown";
      }
      return answer(sessionId, revoked === 1);
    },
    answer,
  };
}

/**
 * The database's answer for a token when Redis cannot give one: its session still has a live
 * refresh token, and its account is active with the role the token claims.
 */
export async function sessionLiveInDb(db: Db, claims: Pick<AccessClaims, "userId" | "sessionId" | "role">) {
  const user = await db.user.findUnique({
    where: { id: claims.userId },
    select: {
      status: true,
      role: true,
      deletedAt: true,
      refreshTokens: { where: { familyId: claims.sessionId, revokedAt: null }, select: { id: true }, take: 1 },
    },
  });
  return (
    user !== null &&
    user.status === "active" &&
    user.deletedAt === null &&
    user.role === claims.role &&
    user.refreshTokens.length === 1
  );
}

/** Whether an access token's session still stands: one Redis EXISTS, the database if Redis is down. */
export async function sessionStands(
  deps: { db: Db; denylist: SessionDenylist },
  claims: Pick<AccessClaims, "userId" | "sessionId" | "role">,
  /** Whether Redis listed the session, when the caller already asked (else this asks). */
  listed?: boolean,
): Promise<boolean> {
  const state =
    listed === undefined ? await deps.denylist.check(claims.sessionId) : deps.denylist.answer(claims.sessionId, listed);
  if (state !== "unknown") return state === "live";
  return sessionLiveInDb(deps.db, claims);
}

/** The role of an active account, read from the database (privileged routes trust no token for it). */
export async function activeRole(db: Db, userId: string): Promise<Role | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { role: true, status: true, deletedAt: true },
  });
  if (user?.status !== "active" || user.deletedAt) return null;
  return user.role as Role;
}
