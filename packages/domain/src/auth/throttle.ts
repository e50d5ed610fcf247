/**
 * Sign-in throttling per account and per client address, shared by every API process through
 * PostgreSQL. Past a threshold of failures, each further failure locks the scope for twice as long
 * (1 min, 2, 4 … up to 1 h). The account scope is keyed by the email's hash whether or not an
 * account exists, so lockouts reveal nothing about which emails are registered.
 */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { pepperedHash } from "./crypto.ts";

export const THROTTLE_POLICY = {
  account: { threshold: 5 },
  ip: { threshold: 20 },
  /** Failures further apart than this start a new count. */
  windowMs: 15 * 60_000,
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
} as const;

export interface ThrottleScopes {
  account: string;
  ip: string;
}

/** Scopes for one attempt; the email is keyed with the pepper so the table cannot be reversed. */
export function throttleScopes(email: string, ip: string, pepper: Buffer): ThrottleScopes {
  return { account: `account:${pepperedHash(pepper, email)}`, ip: `ip:${ip}` };
}

/** Lock length after `failures` failures against a threshold: 0 below it, then doubling. */
export function lockDuration(failures: number, threshold: number): number {
  if (failures < threshold) return 0;
  return Math.min(THROTTLE_POLICY.firstLockMs * 2 ** (failures - threshold), THROTTLE_POLICY.maxLockMs);
}

/** Refuses with AUTH_LOCKED (and Retry-After) while either scope is locked. */
export async function assertNotLocked(db: Db, scopes: ThrottleScopes, now: Date): Promise<void> {
  const locks = await db.authThrottle.findMany({
    where: { scope: { in: [scopes.account, scopes.ip] }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const until = Math.max(0, ...locks.map((l) => (l.lockedUntil as Date).getTime()));
  if (until > now.getTime()) {
    throw new AppError("AUTH_LOCKED", { retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) });
  }
}

async function countFailure(db: Db, scope: string, threshold: number, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_POLICY.windowMs);
  const rows = await db.$queryRaw<{ failure_count: number }[]>`
    INSERT INTO auth_throttles (scope, failure_count, window_starts_at, last_failure_at, updated_at)
    VALUES (${scope}, 1, ${now}, ${now}, ${now})
    ON CONFLICT (scope) DO UPDATE SET
      failure_count = CASE WHEN auth_throttles.last_failure_at < ${windowStart} THEN 1
                           ELSE auth_throttles.failure_count + 1 END,
      window_starts_at = CASE WHEN auth_throttles.last_failure_at < ${windowStart} THEN ${now}
                              ELSE auth_throttles.window_starts_at END,
      last_failure_at = ${now},
      updated_at = ${now}
    RETURNING failure_count`;
  const lockMs = lockDuration(rows[0]?.failure_count ?? 1, threshold);
  if (lockMs > 0) {
    await db.authThrottle.update({ where: { scope }, data: { lockedUntil: new Date(now.getTime() + lockMs) } });
  }
}

/** Counts one failed attempt against both scopes. */
export async function recordFailure(db: Db, scopes: ThrottleScopes, now: Date): Promise<void> {
  await countFailure(db, scopes.account, THROTTLE_POLICY.account.threshold, now);
  await countFailure(db, scopes.ip, THROTTLE_POLICY.ip.threshold, now);
}

/** A successful sign-in clears the account's count (not the address's). */
export async function clearAccountFailures(db: Db, scopes: ThrottleScopes): Promise<void> {
  await db.authThrottle.deleteMany({ where: { scope: scopes.account } });
}
