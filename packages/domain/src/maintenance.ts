/** Housekeeping run by the worker on a schedule: drop what has expired. */
import { TOMBSTONE_RETENTION_DAYS } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { purgeAuthEmailQuotas } from "./auth/email-quota.ts";
import { purgeForgottenThrottles } from "./auth/throttle.ts";

export interface PurgeReport {
  idempotencyKeys: number;
  tombstones: number;
  /** Sign-in throttle scopes with nothing left to remember (decision 0025). */
  authThrottles: number;
  /** Hourly auth-email budgets whose hour is over (decision 0032). */
  authEmailQuotas: number;
}

/**
 * Deletes expired idempotency records, tombstones older than any client may still sync from, and
 * forgotten sign-in throttle scopes, and spent auth-email budgets.
 */
export async function purgeExpired(
  db: Db,
  now = new Date(),
  tombstoneDays = TOMBSTONE_RETENTION_DAYS,
): Promise<PurgeReport> {
  const [keys, tombstones] = await db.$transaction([
    db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.syncTombstone.deleteMany({ where: { deletedAt: { lt: new Date(now.getTime() - tombstoneDays * 86_400_000) } } }),
  ]);
  return {
    idempotencyKeys: keys.count,
    tombstones: tombstones.count,
    authThrottles: await purgeForgottenThrottles(db, now),
    authEmailQuotas: await purgeAuthEmailQuotas(db, now),
  };
}
