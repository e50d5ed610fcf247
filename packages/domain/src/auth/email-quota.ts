/**
 * Hourly budgets of unsolicited auth emails per address: verification codes, "account exists"
 * notices and recovery links, each kind counted on its own. One upsert takes a send from the
 * budget, so parallel requests cannot all pass a check a serial run would refuse. The caller's
 * answer never depends on the outcome (no enumeration, no oracle on the budget).
 */
import type { Db } from "@sira/infra/db";
import { pepperedHash } from "./crypto.ts";

export type AuthEmailKind = "email_code" | "account_exists" | "recovery";

/** Emails of one kind one address may be sent per hour. */
export const AUTH_EMAILS_PER_HOUR = 3;
const WINDOW_MS = 3_600_000;

/** Takes one send of `kind` to `email` from its hourly budget; false once the budget is spent. */
export async function takeAuthEmailQuota(
  db: Db,
  pepper: Buffer,
  kind: AuthEmailKind,
  email: string,
  now: Date,
): Promise<boolean> {
  const scope = `${kind}:${pepperedHash(pepper, email.toLowerCase())}`;
  const windowEnded = new Date(now.getTime() - WINDOW_MS);
  const rows = await db.$queryRaw<{ sent_count: number }[]>`
    INSERT INTO auth_email_quotas (scope, sent_count, window_starts_at)
    VALUES (${scope}, 1, ${now})
    ON CONFLICT (scope) DO UPDATE SET
      sent_count = CASE WHEN auth_email_quotas.window_starts_at <= ${windowEnded} THEN 1
                        ELSE auth_email_quotas.sent_count + 1 END,
      window_starts_at = CASE WHEN auth_email_quotas.window_starts_at <= ${windowEnded} THEN ${now}
                              ELSE auth_email_quotas.window_starts_at END
    RETURNING sent_count`;
  return (rows[0]?.sent_count ?? Number.POSITIVE_INFINITY) <= AUTH_EMAILS_PER_HOUR;
}

/** Deletes budgets whose window ended before `now` (they would restart at 1 anyway). */
export async function purgeAuthEmailQuotas(db: Db, now: Date): Promise<number> {
  const { count } = await db.authEmailQuota.deleteMany({
    where: { windowStartsAt: { lte: new Date(now.getTime() - WINDOW_MS) } },
  });
  return count;
}
