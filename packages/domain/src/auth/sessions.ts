/**
 * Sessions are refresh-token families. Each refresh rotates the token; presenting a token that was
 * already rotated means it leaked (or the client raced itself), so the whole family is revoked.
 */
import { AppError, type Session } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import { randomToken, tokenHash } from "./crypto.ts";

type Tx = Db | Prisma.TransactionClient;

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  now: Date;
}

export interface IssuedRefresh {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

const INET = /^[0-9a-fA-F:.]+$/;
const inet = (ip: string | null) => (ip && INET.test(ip) ? ip : null);

async function createToken(tx: Tx, userId: string, familyId: string, meta: RequestMeta, ttlDays: number) {
  const refreshToken = randomToken();
  const expiresAt = new Date(meta.now.getTime() + ttlDays * 86_400_000);
  const row = await tx.refreshToken.create({
    data: {
      userId,
      familyId,
      tokenHash: tokenHash(refreshToken),
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: inet(meta.ip),
      createdAt: meta.now,
      expiresAt,
    },
    select: { id: true },
  });
  return { id: row.id, refreshToken, expiresAt };
}

/** Opens a new session (a new family) for a user who just proved who they are. */
export async function startSession(tx: Tx, userId: string, meta: RequestMeta, ttlDays: number): Promise<IssuedRefresh> {
  const familyId = crypto.randomUUID();
  const { refreshToken, expiresAt } = await createToken(tx, userId, familyId, meta, ttlDays);
  return { refreshToken, familyId, expiresAt };
}

/** Revokes every live token of a family. */
export async function revokeFamily(tx: Tx, familyId: string, reason: string, now: Date): Promise<number> {
  const { count } = await tx.refreshToken.updateMany({
    where: { familyId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

/** Revokes all of a user's sessions (recovery, erasure, account disabled). */
export async function revokeAllSessions(tx: Tx, userId: string, reason: string, now: Date): Promise<number> {
  const { count } = await tx.refreshToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

export interface Rotated extends IssuedRefresh {
  userId: string;
}

/** Trades a refresh token for a new one in the same family; detects reuse. */
export async function rotateRefreshToken(
  db: Db,
  presented: string,
  meta: RequestMeta,
  ttlDays: number,
): Promise<Rotated> {
  const current = await db.refreshToken.findUnique({ where: { tokenHash: tokenHash(presented) } });
  if (!current) throw new AppError("REFRESH_TOKEN_INVALID");
  if (current.replacedById) {
    await db.$transaction(async (tx) => {
      await revokeFamily(tx, current.familyId, "reuse_detected", meta.now);
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
  if (current.revokedAt || current.expiresAt <= meta.now) throw new AppError("REFRESH_TOKEN_INVALID");

  return db.$transaction(async (tx) => {
    const next = await createToken(tx, current.userId, current.familyId, meta, ttlDays);
    // Conditional on the token still being live: of two racing refreshes, exactly one wins.
    const { count } = await tx.refreshToken.updateMany({
      where: { id: current.id, revokedAt: null, replacedById: null },
      data: { revokedAt: meta.now, replacedById: next.id, lastUsedAt: meta.now },
    });
    if (count !== 1) throw new AppError("REFRESH_TOKEN_INVALID");
    return {
      userId: current.userId,
      familyId: current.familyId,
      refreshToken: next.refreshToken,
      expiresAt: next.expiresAt,
    };
  });
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

/** Ends one of the user's own sessions; another user's session id is simply not found. */
export async function endSession(
  db: Db,
  userId: string,
  familyId: string,
  reason: "logout" | "session_revoked",
  now: Date,
) {
  const { count } = await db.refreshToken.updateMany({
    where: { userId, familyId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  if (count === 0) throw new AppError("NOT_FOUND");
}
