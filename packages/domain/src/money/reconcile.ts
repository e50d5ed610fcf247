/**
 * The ledger's reconciliation: for every account the sum of its rows equals its balance, every
 * posting sums to zero, and no user account is below zero. Run by a scheduled job (it logs an
 * error on any drift) and by the tests after concurrent money operations.
 */
import type { Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { toCredits } from "./amount.ts";

export interface LedgerDrift {
  /** Accounts whose balance is not the sum of their rows. */
  accounts: { account_id: string; balance: number; sum: number }[];
  /** Postings whose rows do not sum to zero. */
  postings: { posting_id: string; sum: number }[];
  /** User accounts below zero. */
  negative: { account_id: string; balance: number }[];
  /** Rows whose balance_after does not follow from the previous row of the account. */
  chains: number;
}

export async function reconcileLedger(db: Db): Promise<LedgerDrift> {
  // sum() of bigint is numeric: cast back to bigint (a drift past 2^63 would fail loudly here).
  const [accounts, postings, negative, chains] = await Promise.all([
    db.$queryRaw<{ account_id: string; balance: bigint; sum: bigint }[]>`
      SELECT a.id AS account_id, a.balance, coalesce(sum(t.amount), 0)::bigint AS sum
      FROM credit_accounts a LEFT JOIN transactions t ON t.account_id = a.id
      GROUP BY a.id HAVING a.balance <> coalesce(sum(t.amount), 0)`,
    db.$queryRaw<{ posting_id: string; sum: bigint }[]>`
      SELECT posting_id, sum(amount)::bigint AS sum FROM transactions GROUP BY posting_id HAVING sum(amount) <> 0`,
    db.$queryRaw<{ account_id: string; balance: bigint }[]>`
      SELECT id AS account_id, balance FROM credit_accounts WHERE kind = 'user' AND balance < 0`,
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT balance_after, amount,
          lag(balance_after) OVER (PARTITION BY account_id ORDER BY seq) AS previous,
          row_number() OVER (PARTITION BY account_id ORDER BY seq) AS rn
        FROM transactions) t
      WHERE t.rn > 1 AND t.previous IS NOT NULL AND t.balance_after <> t.previous + t.amount`,
  ]);
  return {
    accounts: accounts.map((a) => ({ account_id: a.account_id, balance: toCredits(a.balance), sum: toCredits(a.sum) })),
    postings: postings.map((p) => ({ posting_id: p.posting_id, sum: toCredits(p.sum) })),
    negative: negative.map((n) => ({ account_id: n.account_id, balance: toCredits(n.balance) })),
    chains: chains[0]?.n ?? 0,
  };
}

export const isBalanced = (drift: LedgerDrift): boolean =>
  !drift.accounts.length && !drift.postings.length && !drift.negative.length && drift.chains === 0;

/** The outcome of the last scheduled check, as the metrics report it. */
export interface LedgerCheck {
  /** When the check ran (ISO-8601). */
  at: string;
  balanced: boolean;
  accounts: number;
  postings: number;
  negative: number;
  chains: number;
}

const LAST_CHECK_KEY = "sira:ledger:last-check";

/** The last scheduled check's outcome, or null before the first one (or while Redis cannot say). */
export async function lastLedgerCheck(redis: Redis): Promise<LedgerCheck | null> {
  const text = await redis.get(LAST_CHECK_KEY);
  return text ? (JSON.parse(text) as LedgerCheck) : null;
}

/**
 * The scheduled check: silent when the books balance, an error log naming every drift otherwise.
 * Its outcome is kept in Redis for the metrics (`sira_ledger_check`), which never run the check
 * themselves: it reads every ledger row.
 */
export async function runLedgerReconciliation(deps: {
  db: Db;
  redis: Redis;
  logger: Pick<Logger, "error" | "info" | "warn">;
}) {
  const drift = await reconcileLedger(deps.db);
  const balanced = isBalanced(drift);
  if (balanced) deps.logger.info("ledger reconciled: balanced");
  else deps.logger.error({ drift }, "ledger drift: balances, postings or chains do not add up");
  const check: LedgerCheck = {
    at: new Date().toISOString(),
    balanced,
    accounts: drift.accounts.length,
    postings: drift.postings.length,
    negative: drift.negative.length,
    chains: drift.chains,
  };
  // The check's result stands in the log either way; the metrics only miss it until the next run.
  await deps.redis
    .set(LAST_CHECK_KEY, JSON.stringify(check))
    .catch((error: Error) => deps.logger.warn({ err: error.message }, "ledger check not recorded for the metrics"));
  return drift;
}
