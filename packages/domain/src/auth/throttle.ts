/**
 * Sign-in throttling, shared by every API process through PostgreSQL (decision 0025). Each attempt
 * is reserved before its code is checked: a conditional upsert counts it unless a delay is running,
 * so parallel attempts get no more checks than one after the other would. A success gives its
 * reservation back. Scopes are keyed by the email's hash whether or not an account exists, so
 * delays reveal nothing about which emails are registered.
 */
import { AppError } from "@sira/contracts";
import { type Db, Prisma, type Transaction } from "@sira/infra/db";
import { pepperedHash } from "./crypto.ts";
import { networkKey } from "./network.ts";

export interface ScopePolicy {
  /** Failures allowed before any delay. */
  freeFailures: number;
  maxDelaySeconds: number;
}

export const THROTTLE_POLICY = {
  /** One account from one network (an IPv4 address or an IPv6 /64): its owner's typos, or one attacker. */
  accountAddress: { freeFailures: 5, maxDelaySeconds: 15 * 60 },
  /** One account from every network: bounds an attacker who spreads over many addresses. */
  account: { freeFailures: 10, maxDelaySeconds: 60 * 60 },
  /** The first delay; each further failure doubles it, up to the scope's cap. */
  firstDelaySeconds: 30,
  /** A scope with no failure for this long starts again from zero. */
  forgetAfterMs: 24 * 60 * 60_000,
} as const satisfies Record<string, unknown>;

export interface ThrottleScopes {
  account: string;
  accountAddress: string;
}

/** Scopes for one attempt; keyed with the pepper so the table reveals neither emails nor addresses. */
export function throttleScopes(email: string, ip: string, pepper: Buffer): ThrottleScopes {
  return {
    account: `account:${pepperedHash(pepper, email)}`,
    accountAddress: `account-address:${pepperedHash(pepper, `${email}|${networkKey(ip)}`)}`,
  };
}

/** The wait after `failures` failures: none while they are free, then doubling up to the cap. */
export function delayAfterSeconds(failures: number, policy: ScopePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(THROTTLE_POLICY.firstDelaySeconds * 2 ** doublings, policy.maxDelaySeconds);
}

/** `delayAfterSeconds` in SQL, as the time the next attempt is allowed (NULL: at once). */
function nextAttemptSql(failures: Prisma.Sql, at: Prisma.Sql, policy: ScopePolicy): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${failures} < ${policy.freeFailures}::int THEN NULL::timestamptz
    ELSE ${at} + make_interval(secs => LEAST(
      ${THROTTLE_POLICY.firstDelaySeconds}::float8 * power(2, LEAST(${failures} - ${policy.freeFailures}::int, 30)),
      ${policy.maxDelaySeconds}::float8)) END`;
}

/** Counts one attempt on a scope unless its delay is running; false when it is. */
async function reserveScope(tx: Transaction, scope: string, policy: ScopePolicy, now: Date) {
  const forgetBefore = new Date(now.getTime() - THROTTLE_POLICY.forgetAfterMs);
  const stale = Prisma.sql`(t.last_failure_at IS NULL OR t.last_failure_at < ${forgetBefore}::timestamptz)`;
  const failures = Prisma.sql`(CASE WHEN ${stale} THEN 1 ELSE t.failure_count + 1 END)`;
  const at = Prisma.sql`${now}::timestamptz`;
  const rows = await tx.$queryRaw<{ failure_count: number }[]>`
    INSERT INTO auth_throttles AS t (scope, failure_count, window_starts_at, last_failure_at, locked_until, updated_at)
    VALUES (${scope}, 1, ${at}, ${at}, ${nextAttemptSql(Prisma.sql`1`, at, policy)}, ${at})
    ON CONFLICT (scope) DO UPDATE SET
      failure_count = ${failures},
      window_starts_at = CASE WHEN ${stale} THEN ${at} ELSE t.window_starts_at END,
      last_failure_at = ${at},
      locked_until = ${nextAttemptSql(failures, at, policy)},
      updated_at = ${at}
    WHERE t.locked_until IS NULL OR t.locked_until <= ${at}
    RETURNING failure_count`;
  return rows.length === 1;
}

/**
 * Reserves one sign-in attempt on both scopes before any code is checked, counting it as a failure
 * until `releaseAttempt` says otherwise. While either scope's delay runs, nothing is counted and the
 * answer is AUTH_LOCKED with Retry-After, even for the right code.
 */
export async function reserveAttempt(db: Db, scopes: ThrottleScopes, now: Date): Promise<void> {
  await db.$transaction(
    async (tx) => {
      if (
        (await reserveScope(tx, scopes.accountAddress, THROTTLE_POLICY.accountAddress, now)) &&
        (await reserveScope(tx, scopes.account, THROTTLE_POLICY.account, now))
      ) {
        return;
      }
      // Throwing rolls back whatever this attempt had already counted.
      const delays = await tx.authThrottle.findMany({
        where: { scope: { in: [scopes.accountAddress, scopes.account] }, lockedUntil: { gt: now } },
        select: { lockedUntil: true },
      });
      const until = Math.max(now.getTime() + 1000, ...delays.map((d) => (d.lockedUntil as Date).getTime()));
      throw new AppError("AUTH_LOCKED", { retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) });
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
}

/**
 * A successful attempt: this network has proved itself for the account, so its count is cleared;
 * the account-wide count only gets this attempt back, so an owner signing in does not wipe out what
 * an attacker elsewhere has spent.
 */
export async function releaseAttempt(db: Db, scopes: ThrottleScopes, now: Date): Promise<void> {
  const failures = Prisma.sql`GREATEST(t.failure_count - 1, 0)`;
  await db.$transaction([
    db.authThrottle.deleteMany({ where: { scope: scopes.accountAddress } }),
    db.$executeRaw`
      UPDATE auth_throttles AS t SET
        failure_count = ${failures},
        locked_until = ${nextAttemptSql(failures, Prisma.sql`t.last_failure_at`, THROTTLE_POLICY.account)},
        updated_at = ${now}::timestamptz
      WHERE t.scope = ${scopes.account}`,
  ]);
}

/** Deletes scopes whose failures are forgotten and whose delay is over: they would start from zero anyway. */
export async function purgeForgottenThrottles(db: Db, now: Date): Promise<number> {
  const forgetBefore = new Date(now.getTime() - THROTTLE_POLICY.forgetAfterMs);
  const { count } = await db.authThrottle.deleteMany({
    where: {
      OR: [{ lastFailureAt: null }, { lastFailureAt: { lt: forgetBefore } }],
      AND: [{ OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] }],
    },
  });
  return count;
}
