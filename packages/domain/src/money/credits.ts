/** What a learner or expert reads of their credits: the balance with its totals, and their rows. */
import type { CreditBalance, CreditTransaction } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { changedIn, deltaPage, needsFullResync, syncHorizon } from "../sync.ts";
import { toCredits } from "./amount.ts";

export async function readBalance(db: Db, userId: string): Promise<CreditBalance> {
  const account = await db.creditAccount.findUnique({ where: { userId } });
  return {
    balance: toCredits(account?.balance ?? 0),
    total_purchased: toCredits(account?.totalPurchased ?? 0),
    total_spent: toCredits(account?.totalSpent ?? 0),
    total_earned: toCredits(account?.totalEarned ?? 0),
    updated_at: account?.updatedAt.toISOString() ?? null,
  };
}

type Row = {
  id: string;
  postingId: string;
  type: string;
  amount: bigint;
  balanceAfter: bigint;
  courseId: string | null;
  description: string | null;
  createdAt: Date;
};

const toTransaction = (r: Row): CreditTransaction => ({
  id: r.id,
  posting_id: r.postingId,
  type: r.type as CreditTransaction["type"],
  amount: toCredits(r.amount),
  balance_after: toCredits(r.balanceAfter),
  course_id: r.courseId,
  description: r.description,
  created_at: r.createdAt.toISOString(),
});

const SELECT = {
  id: true,
  postingId: true,
  type: true,
  amount: true,
  balanceAfter: true,
  courseId: true,
  description: true,
  createdAt: true,
} as const;

/**
 * The caller's ledger rows: newest first by page, or (with `since`) the rows written since, oldest
 * first. Rows are never changed or deleted, so a delta has no tombstones.
 */
export async function listTransactions(
  db: Db,
  userId: string,
  input: { page: number; limit: number; since: Date | null; now: Date },
) {
  const where = { account: { userId } };
  if (input.since) {
    const horizon = await syncHorizon(db);
    // By the time written (the cursor's order), then the ledger's own order.
    const page = await deltaPage(
      { since: input.since, limit: input.limit, horizon },
      (window, take) =>
        db.transaction.findMany({
          where: { ...where, createdAt: changedIn(window) },
          orderBy: [{ createdAt: "asc" }, { seq: "asc" }],
          take,
          select: SELECT,
        }),
      (row) => row.createdAt,
    );
    return {
      items: page.rows.map(toTransaction),
      deleted: [],
      hasMore: page.hasMore,
      reset: needsFullResync(input.since, input.now),
      cursor: page.cursor,
    };
  }
  const [rows, total] = await Promise.all([
    db.transaction.findMany({
      where,
      orderBy: { seq: "desc" },
      skip: (input.page - 1) * input.limit,
      take: input.limit,
      select: SELECT,
    }),
    db.transaction.count({ where }),
  ]);
  return { items: rows.map(toTransaction), total };
}
