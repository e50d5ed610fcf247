/**
 * Sessions are refresh-token families. Each refresh rotates the token; presenting a token that was
 * already rotated means it leaked (or the client raced itself), so the whole family is revoked,
 * unless it is the same client retrying within the grace window (decision 0029).
 */
import { AppError, type Session } from "@sira/contracts";
import { type Db, inTransaction, type Prisma, type Transaction, type Tx } from "@sira/infra/db";
import type { RequestMeta } from "../request-meta.ts";
import { randomToken, safeEqual, successorToken, tokenHash } from "./crypto.ts";
import { holdRevocationOpen, type SessionDenylist } from "./revocation.ts";

type TokenRow = Prisma.RefreshTokenGetPayload<object>;

/** What a session records of the request that opened or refreshed it. */
export type SessionRequest = Pick<RequestMeta, "ip" | "userAgent" | "requestId" | "now">;

export interface IssuedRefresh {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

/** How refresh tokens rotate: their own life, the session's absolute life, and the retry window. */
export interface RefreshPolicy {
  ttlDays: number;
  sessionMaxAgeSeconds: number;
  retryGraceSeconds: number;
  /** Keys the derivation of a successor from its predecessor (see successorToken). */
  successorKey: Buffer;
}

const INET = /^[0-9a-fA-F:.]+$/;
const inet = (ip: string | null) => (ip && INET.test(ip) ? ip : null);

async function createToken(
  tx: Tx,
  row: { id?: string; userId: string; familyId: string; token: string; expiresAt: Date },
  meta: SessionRequest,
) {
  await tx.refreshToken.create({
    data: {
      ...(row.id ? { id: row.id } : {}),
      userId: row.userId,
      familyId: row.familyId,
      tokenHash: tokenHash(row.token),
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: inet(meta.ip),
      createdAt: meta.now,
      expiresAt: row.expiresAt,
    },
    select: { id: true },
  });
}

/** Opens a new session (a new family) for a user who just proved who they are. */
export async function startSession(
  tx: Tx,
  userId: string,
  meta: SessionRequest,
  ttlDays: number,
): Promise<IssuedRefresh> {
  const familyId = crypto.randomUUID();
  const refreshToken = randomToken();
  const expiresAt = new Date(meta.now.getTime() + ttlDays * 86_400_000);
  await createToken(tx, { userId, familyId, token: refreshToken, expiresAt }, meta);
  return { refreshToken, familyId, expiresAt };
}

/**
 * Locks the user before a revocation reads their tokens. A rotation's successor insert holds a
 * key-share lock on the user row (its foreign key) until it commits, so the revocation waits for
 * it and then sees the successor; a rotation that starts later waits and finds its token revoked.
 */
export async function lockUser(tx: Transaction, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
}

/** Revokes every live token of a family and ends its access tokens. */
export function revokeFamily(
  db: Tx,
  userId: string,
  familyId: string,
  reason: string,
  now: Date,
  denylist: SessionDenylist,
): Promise<number> {
  return inTransaction(db, async (tx) => {
    await lockUser(tx, userId);
    await holdRevocationOpen(tx);
    const { count } = await tx.refreshToken.updateMany({
      where: { userId, familyId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
    await denylist.deny([familyId]);
    return count;
  });
}

/**
 * Revokes all of a user's sessions (recovery, erasure, account disabled, role changed) and ends
 * their access tokens; returns how many live tokens were revoked (one per live session).
 */
export function revokeAllSessions(
  db: Tx,
  userId: string,
  reason: string,
  now: Date,
  denylist: SessionDenylist,
): Promise<number> {
  return inTransaction(db, async (tx) => {
    await lockUser(tx, userId);
    await holdRevocationOpen(tx);
    const revoked = await tx.refreshToken.updateManyAndReturn({
      where: { userId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
      select: { familyId: true },
    });
    await denylist.deny(revoked.map((t) => t.familyId));
    return revoked.length;
  });
}

export interface Rotated extends IssuedRefresh {
  userId: string;
}

/** When a session ends however often it is refreshed: its first token's creation + the maximum age. */
async function sessionDeadline(db: Db, familyId: string, maxAgeSeconds: number): Promise<Date> {
  const first = await db.refreshToken.findFirst({
    where: { familyId },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  return new Date((first?.createdAt.getTime() ?? 0) + maxAgeSeconds * 1000);
}

/** Thrown inside the rotation transaction to roll it back when a parallel refresh won. */
class LostRace extends Error {}

/** Trades a refresh token for a new one in the same family; detects reuse, forgives a quick retry. */
export async function rotateRefreshToken(
  db: Db,
  presented: string,
  meta: SessionRequest,
  policy: RefreshPolicy,
  denylist: SessionDenylist,
): Promise<Rotated> {
  const current = await db.refreshToken.findUnique({ where: { tokenHash: tokenHash(presented) } });
  if (!current) throw new AppError("REFRESH_TOKEN_INVALID");
  if (current.replacedById) return retryRotation(db, presented, current, meta, policy, denylist);
  if (current.revokedAt || current.expiresAt <= meta.now) throw new AppError("REFRESH_TOKEN_INVALID");
  const deadline = await sessionDeadline(db, current.familyId, policy.sessionMaxAgeSeconds);
  if (deadline <= meta.now) throw new AppError("REFRESH_TOKEN_INVALID");

  const successorId = crypto.randomUUID();
  const refreshToken = successorToken(policy.successorKey, presented, successorId);
  const expiresAt = new Date(Math.min(meta.now.getTime() + policy.ttlDays * 86_400_000, deadline.getTime()));
  try {
    await db.$transaction(async (tx) => {
      await createToken(
        tx,
        { id: successorId, userId: current.userId, familyId: current.familyId, token: refreshToken, expiresAt },
        meta,
      );
      // Conditional on the token still being live: of two racing refreshes, exactly one wins.
      const { count } = await tx.refreshToken.updateMany({
        where: { id: current.id, revokedAt: null, replacedById: null },
        data: { revokedAt: meta.now, replacedById: successorId, lastUsedAt: meta.now },
      });
      if (count !== 1) throw new LostRace();
    });
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    // The same token was refreshed in parallel: answer as the retry it is.
    const settled = await db.refreshToken.findUnique({ where: { id: current.id } });
    if (!settled?.replacedById) throw new AppError("REFRESH_TOKEN_INVALID");
    return retryRotation(db, presented, settled, meta, policy, denylist);
  }
  return { userId: current.userId, familyId: current.familyId, refreshToken, expiresAt };
}

/**
 * A rotated token presented again. Within the grace window, while its successor is still the live
 * head of the family, it gets that same successor back (re-derived, never stored); anything else
 * is reuse: the family is revoked.
 */
async function retryRotation(
  db: Db,
  presented: string,
  current: TokenRow,
  meta: SessionRequest,
  policy: RefreshPolicy,
  denylist: SessionDenylist,
): Promise<Rotated> {
  const successorId = current.replacedById as string;
  const rotatedAt = current.lastUsedAt ?? current.revokedAt;
  const withinGrace = rotatedAt !== null && meta.now.getTime() - rotatedAt.getTime() < policy.retryGraceSeconds * 1000;
  if (withinGrace) {
    const successor = await db.refreshToken.findUnique({ where: { id: successorId } });
    const refreshToken = successorToken(policy.successorKey, presented, successorId);
    if (
      successor &&
      !successor.revokedAt &&
      !successor.replacedById &&
      successor.expiresAt > meta.now &&
      safeEqual(successor.tokenHash, tokenHash(refreshToken))
    ) {
      return { userId: current.userId, familyId: current.familyId, refreshToken, expiresAt: successor.expiresAt };
    }
  }
  await db.$transaction(async (tx) => {
    await revokeFamily(tx, current.userId, current.familyId, "reuse_detected", meta.now, denylist);
    await tx.auditLog.create({
      data: {
        actorId: current.userId,
        action: "auth.refresh_reuse_detected",
        targetType: "session",
        targetId: current.familyId,
        requestId: meta.requestId,
        ip: inet(meta.ip),
      },
    });
  });
  throw new AppError("REFRESH_TOKEN_REUSED");
}

/** The user's live sessions, newest first; `current` marks the caller's own. */
export async function listSessions(
  db: Db,
  userId: string,
  currentFamilyId: string | null,
  now: Date,
): Promise<Session[]> {
  const live = await db.refreshToken.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  const starts = await db.refreshToken.groupBy({
    by: ["familyId"],
    where: { familyId: { in: live.map((t) => t.familyId) } },
    _min: { createdAt: true },
  });
  const startedAt = new Map(starts.map((s) => [s.familyId, s._min.createdAt]));
  return live.map((t) => ({
    id: t.familyId,
    created_at: (startedAt.get(t.familyId) ?? t.createdAt).toISOString(),
    last_used_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt.toISOString(),
    user_agent: t.userAgent,
    ip: t.ip,
    current: t.familyId === currentFamilyId,
  }));
}

/** Ends one of the user's own sessions and its access tokens; another user's session is simply not found. */
export async function endSession(
  db: Db,
  userId: string,
  familyId: string,
  reason: "logout" | "session_revoked",
  now: Date,
  denylist: SessionDenylist,
) {
  await db.$transaction(async (tx) => {
    await lockUser(tx, userId);
    await holdRevocationOpen(tx);
    const { count } = await tx.refreshToken.updateMany({
      where: { userId, familyId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
    if (count === 0) throw new AppError("NOT_FOUND");
    await denylist.deny([familyId]);
  });
}
