/**
 * Access tokens of ended sessions stop working at once, not at expiry: every path that ends a
 * session writes its id (the token's `sid`) to a Redis denylist for as long as one of its access
 * tokens can live, and every authenticated request checks it. When Redis cannot answer, the
 * database decides (the session's refresh tokens, the account's status and role): never fail open.
 * A Redis that lost its data (a restart without persistence, a failover) has lost the list too: a
 * marker key says the list is whole, and without it the database decides while the list is rebuilt
 * from the sessions that ended within an access token's life.
 */
import type { Role } from "@sira/contracts";
import { type Config, type Logger, type Redis, redisDown } from "@sira/infra";
import type { Db, Transaction, Tx } from "@sira/infra/db";
import type { AccessClaims } from "./access-token.ts";

/** Ends the access tokens of sessions whose refresh tokens were just revoked. Never throws. */
export interface SessionDenylist {
  deny(sessionIds: readonly string[]): Promise<void>;
  /**
   * Whether Redis lists the session as ended; "unknown" when Redis could not answer, or when its
   * list is not whole (being rebuilt after Redis lost its data).
   */
  check(sessionId: string): Promise<"revoked" | "live" | "unknown">;
  /**
   * What `check` answers once Redis has said whether `revokedSessionKey(sessionId)` and
   * `DENYLIST_LOADED_KEY` exist, for a caller that asked in a round trip of its own (the API's
   * rate limiter asks it with its count).
   */
  answer(sessionId: string, seen: DenylistRead): "revoked" | "live" | "unknown";
  /** Rebuilds the list from the database unless Redis says it is whole; resolves when this try ends. */
  ensureLoaded(): Promise<void>;
}

/** What Redis said about one session: its entry, and whether the list is whole. */
export interface DenylistRead {
  listed: boolean;
  loaded: boolean;
}

/** The Redis key that lists an ended session. */
export const revokedSessionKey = (sessionId: string) => `auth:revoked-session:${sessionId}`;

/** Set once the list holds every session ended within an access token's life; gone with Redis's data. */
export const DENYLIST_LOADED_KEY = "auth:revoked-sessions-loaded";

/** Held by the one process rebuilding the list. */
const RELOAD_LOCK_KEY = "auth:revoked-sessions-reload";
const RELOAD_LOCK_MS = 60_000;
const RELEASE_IF_HELD = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A PostgreSQL advisory lock: every transaction that ends sessions holds it shared until it
 * commits, and the rebuild takes it exclusively before it reads, so the rebuild waits for the
 * revocations that may have written their entry to a Redis that then lost it.
 */
const REVOCATIONS_LOCK = "auth:session-revocations";
/** How long a rebuild waits for revocations in flight before it gives up (and is tried again). */
const REVOCATIONS_WAIT_MS = 5_000;

/** Taken by a transaction that ends sessions, before it lists them in Redis (held until it ends). */
export async function holdRevocationOpen(tx: Transaction): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${REVOCATIONS_LOCK}, 0))`;
}

/** The sessions ended within `sinceMs`, read once every revocation still open has committed or rolled back. */
async function endedSessionsSettled(db: Db, sinceMs: number): Promise<{ sessionId: string; endedAt: Date }[]> {
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('lock_timeout', ${String(REVOCATIONS_WAIT_MS)}, true)`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${REVOCATIONS_LOCK}, 0))`;
      // Read committed: this statement's snapshot is taken after the lock, so it sees them.
      return endedSessionsSince(tx, new Date(Date.now() - sinceMs));
    },
    { timeout: REVOCATIONS_WAIT_MS * 2 },
  );
}

/**
 * Sessions ended since `since`, with when: every family with a token revoked for a reason. A
 * rotation revokes its token without one, and leaves the session standing.
 */
export async function endedSessionsSince(db: Tx, since: Date): Promise<{ sessionId: string; endedAt: Date }[]> {
  const rows = await db.$queryRaw<{ family_id: string; ended_at: Date }[]>`
    SELECT family_id::text, max(revoked_at) AS ended_at FROM refresh_tokens
    WHERE revoked_at > ${since} AND revoked_reason IS NOT NULL
    GROUP BY family_id`;
  return rows.map((r) => ({ sessionId: r.family_id, endedAt: r.ended_at }));
}

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
  db: Db,
): SessionDenylist {
  const ttl = config.ACCESS_TOKEN_TTL_SECONDS + MARGIN_SECONDS;
  /** Session id → when its entry may lapse (ms since epoch). */
  const unwritten = new Map<string, number>();
  let retrying = false;
  let reloading: Promise<void> | null = null;
  let lastReloadAt = 0;

  /**
   * Writes the entries of the sessions that ended within an access token's life, then the marker.
   * One process does it (a Redis lock); the others go on asking the database meanwhile. A session
   * ended while this runs writes its own entry, so it is never missed; one whose entry was written
   * before Redis lost it is read here, as the read waits for its transaction to end.
   */
  async function reload(): Promise<void> {
    const token = crypto.randomUUID();
    if ((await redis.set(RELOAD_LOCK_KEY, token, "PX", RELOAD_LOCK_MS, "NX")) !== "OK") return;
    try {
      const ended = await endedSessionsSettled(db, ttl * 1000);
      const now = Date.now();
      const batch = redis.multi();
      for (const { sessionId, endedAt } of ended) {
        const left = endedAt.getTime() + ttl * 1000 - now;
        if (left > 0) batch.set(revokedSessionKey(sessionId), "1", "PX", left);
      }
      batch.set(DENYLIST_LOADED_KEY, "1");
      const results = await batch.exec();
      if (!results || results.some(([error]) => error)) throw new Error("denylist reload refused");
      logger.info({ sessions: ended.length }, "session denylist rebuilt from the database");
    } finally {
      await redis.eval(RELEASE_IF_HELD, 1, RELOAD_LOCK_KEY, token).catch(() => undefined);
    }
  }

  /** One try at a time in this process; resolves when it ends (another process may hold the lock). */
  function ensureLoaded(): Promise<void> {
    reloading ??= loadUnlessWhole().finally(() => {
      reloading = null;
    });
    return reloading;
  }

  async function loadUnlessWhole(): Promise<void> {
    if ((await redis.exists(DENYLIST_LOADED_KEY)) === 1) return;
    await reload();
  }

  /** At most one try a second per process, whatever the request rate while the list is rebuilt. */
  function ensureLoadedInBackground(): void {
    if (reloading || Date.now() - lastReloadAt < 1_000) return;
    lastReloadAt = Date.now();
    ensureLoaded().catch((error: unknown) =>
      logger.warn({ err: (error as Error).message }, "session denylist not rebuilt"),
    );
  }

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

  function answer(sessionId: string, { listed, loaded }: DenylistRead): "revoked" | "live" | "unknown" {
    const missed = unwritten.size > 0 && unwritten.has(sessionId);
    if (unwritten.size > 0 && !retrying) {
      retrying = true;
      void write([...unwritten]).finally(() => {
        retrying = false;
      });
    }
    if (listed || missed) return "revoked";
    // Without the marker, a missing entry proves nothing: Redis may have lost it.
    if (!loaded) {
      ensureLoadedInBackground();
      return "unknown";
    }
    return "live";
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
      let read: DenylistRead;
      try {
        const [listed, loaded] = await Promise.all([
          redis.exists(revokedSessionKey(sessionId)),
          redis.exists(DENYLIST_LOADED_KEY),
        ]);
        read = { listed: listed === 1, loaded: loaded === 1 };
      } catch {
        return "unknown";
      }
      return answer(sessionId, read);
    },
    answer,
    ensureLoaded,
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
  /** What Redis said about the session, when the caller already asked (else this asks). */
  seen?: DenylistRead,
): Promise<boolean> {
  const state =
    seen === undefined ? await deps.denylist.check(claims.sessionId) : deps.denylist.answer(claims.sessionId, seen);
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
