/**
 * Row cleanup (decision 0047): what `purgeExpired` drops (idempotency keys, tombstones, throttles,
 * auth-email budgets), plus structure proposals nobody will act on, spent sign-in secrets, refresh
 * token families that have ended, and raw usage events past their retention (in bounded batches).
 */
import type { Config } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { type PurgeReport, purgeExpired } from "../maintenance.ts";

const DAY_MS = 86_400_000;
/**
 * An expired link or code is kept a day longer, so one opened late still answers "expired" rather
 * than "invalid" (MAGIC_LINK_EXPIRED).
 */
export const EXPIRED_SECRET_KEEP_MS = DAY_MS;
/** Usage events removed per statement: each DELETE holds its row locks briefly. */
export const USAGE_DELETE_BATCH = 10_000;

export interface RowCleanupDeps {
  db: Db;
  config: Pick<Config, "STRUCTURE_PROPOSAL_RETENTION_DAYS" | "USAGE_RETENTION_DAYS">;
}

export interface RowCleanupReport extends PurgeReport {
  /** Rejected, failed or undecided (ready) proposals older than the retention. */
  structureProposals: number;
  magicLinks: number;
  emailVerifications: number;
  /** Tokens of families whose every token has expired. */
  refreshTokens: number;
  usageEvents: number;
}

/**
 * Deletes what has expired. Safe to run twice and while the API serves: each statement deletes
 * rows no request can use any more, chosen by a condition that stays true once it holds.
 */
export async function cleanRows(
  deps: RowCleanupDeps,
  now = new Date(),
  batch = USAGE_DELETE_BATCH,
): Promise<RowCleanupReport> {
  const { db, config } = deps;
  const expired = await purgeExpired(db, now);

  // Accepted proposals are the course's history; queued and running ones have a job at work.
  const proposalsBefore = new Date(now.getTime() - config.STRUCTURE_PROPOSAL_RETENTION_DAYS * DAY_MS);
  const structureProposals = await db.$executeRaw`
    DELETE FROM course_structure_proposals
    WHERE status IN ('rejected', 'failed', 'ready')
      AND coalesce(decided_at, completed_at, created_at) < ${proposalsBefore}`;

  const secretsBefore = new Date(now.getTime() - EXPIRED_SECRET_KEEP_MS);
  const magicLinks = await db.magicLinkToken.deleteMany({ where: { expiresAt: { lt: secretsBefore } } });
  const emailVerifications = await db.emailVerification.deleteMany({ where: { expiresAt: { lt: secretsBefore } } });

  // A revoked token is how reuse is detected, and a family's first token dates the session's
  // maximum age (auth/sessions.ts): a family goes whole, once its last token has expired.
  const refreshTokens = await db.$executeRaw`
    DELETE FROM refresh_tokens WHERE family_id IN (
      SELECT old.family_id FROM refresh_tokens old
      WHERE old.expires_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM refresh_tokens live
                        WHERE live.family_id = old.family_id AND live.expires_at > ${now}))`;

  const usageBefore = new Date(now.getTime() - config.USAGE_RETENTION_DAYS * DAY_MS);
  let usageEvents = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM usage_events WHERE id IN (
        SELECT id FROM usage_events WHERE occurred_at < ${usageBefore} LIMIT ${batch})`;
    usageEvents += deleted;
    if (deleted < batch) break;
  }

  return {
    ...expired,
    structureProposals,
    magicLinks: magicLinks.count,
    emailVerifications: emailVerifications.count,
    refreshTokens,
    usageEvents,
  };
}
