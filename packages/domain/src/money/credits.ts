/** What a learner or expert reads of their credits: the balance with its totals, and their rows. */
import type { CreditBalance, CreditTransaction } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { needsFullResync } from "../sync.ts";

export async function readBalance(db: Db, userId: string): Promise<CreditBalance> {
  const account = await db.creditAccount.findUnique({ where: { userId } });
  return {
    balance: account?.balance ?? 0,
    total_purchased: account?.totalPurchased ?? 0,
    total_spent: account?.totalSpent ?? 0,
    total_earned: account?.totalEarned ?? 0,
    updated_at: account?.updatedAt.toISOString() ?? null,
  };
}

type Row = {
  id: string;
  postingId: string;
  type: string;
  amount: number;
  balanceAfter: number;
  courseId: string | null;
  description: string | null;
  createdAt: Date;
};

const toTransaction = (r: Row): CreditTransaction => ({
  id: r.id,
  posting_id: r.postingId,
  type: r.type as CreditTransaction["type"],
  amount: r.amount,
  balance_after: r.balanceAfter,
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
    const rows = await db.transaction.findMany({
      where: { ...where, createdAt: { gte: input.since } },
      orderBy: { seq: "asc" },
      take: input.limit + 1,
      select: SELECT,
    });
    const hasMore = rows.length > input.limit;
    const page = rows.slice(0, input.limit);
    return {
      items: page.map(toTransaction),
      deleted: [],
      hasMore,
      reset: needsFullResync(input.since, input.now),
      ...(hasMore && page.length ? { newestChange: page[page.length - 1]?.createdAt } : {}),
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
