/**
 * Experts' earnings and payouts. An expert asks to be paid part of their balance by mobile money;
 * the request posts the payout at once (expert → mobile money), so the credits asked can be
 * neither spent nor taken back by a refund while an admin pays it outside Sira. Marking it paid
 * records the operator's reference; rejecting it posts the credits back. Only earned credits
 * leave: what courses earned, less what refunds took back and what payouts hold or paid.
 */
import { AppError, type Language } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import type { AuditMeta } from "../request-meta.ts";
import { toCredits } from "./amount.ts";
import { creditBalance } from "./course-access.ts";
import { accountIdOf, lockAccounts, type PostingLine, post } from "./ledger.ts";
import { normalizePhone, type Provider } from "./payments.ts";

type PayoutRow = Awaited<ReturnType<Db["payoutRequest"]["findUniqueOrThrow"]>>;

export const toPayout = (r: PayoutRow) => ({
  id: r.id,
  user_id: r.userId,
  credits: r.credits,
  provider: r.provider as Provider,
  phone: r.phone,
  status: r.status as "requested" | "paid" | "rejected",
  operator_reference: r.operatorReference,
  paid_at: r.paidAt?.toISOString() ?? null,
  created_at: r.createdAt.toISOString(),
});

async function pendingPayouts(db: Db, userId: string): Promise<number> {
  // Each request fits an int, their sum may not: summed as bigint.
  const [pending] = await db.$queryRaw<{ credits: bigint }[]>`
    SELECT coalesce(sum(credits), 0)::bigint AS credits FROM payout_requests
    WHERE user_id = ${userId}::uuid AND status = 'requested'`;
  return toCredits(pending?.credits ?? 0);
}

interface Withdrawable {
  /** Course earnings less what refunds took back from them. */
  earned: number;
  /** What of `earned` no payout holds or paid (rejected ones given back), at most the balance. */
  withdrawable: number;
}

/**
 * What each expert earned and may still ask to be paid, from their ledger rows: `course_earning`,
 * the refund lines that took a share back (the only negative refunds on a user account), and
 * `payout` (a hold, or a rejection giving it back). A request made before payouts were held
 * (decision 0064) has no hold yet and counts as asked. Credits from codes, purchases and bonuses
 * never count.
 */
async function withdrawableOf(db: Db | Tx, userIds: readonly string[]): Promise<Map<string, Withdrawable>> {
  if (!userIds.length) return new Map();
  const rows = await db.$queryRaw<{ user_id: string; balance: bigint; earned: bigint; paid_out: bigint }[]>`
    SELECT a.user_id, a.balance,
      (SELECT coalesce(sum(t.amount), 0) FROM transactions t
        WHERE t.account_id = a.id AND (t.type = 'course_earning' OR (t.type = 'refund' AND t.amount < 0)))::bigint AS earned,
      ((SELECT coalesce(-sum(t.amount), 0) FROM transactions t WHERE t.account_id = a.id AND t.type = 'payout')
        + (SELECT coalesce(sum(p.credits), 0) FROM payout_requests p
            WHERE p.user_id = a.user_id AND p.status = 'requested' AND NOT EXISTS (
              SELECT 1 FROM transactions h WHERE h.account_id = a.id AND h.idempotency_key = 'payout:' || p.id::text)))::bigint AS paid_out
    FROM credit_accounts a WHERE a.user_id = ANY(${[...userIds]}::uuid[])`;
  return new Map(
    rows.map((r) => {
      const earned = toCredits(r.earned);
      const left = earned - toCredits(r.paid_out);
      return [r.user_id, { earned, withdrawable: Math.max(0, Math.min(toCredits(r.balance), left)) }];
    }),
  );
}

/** What an expert earned, course by course (net of refunds), their balance and what is already asked. */
export async function expertEarnings(db: Db, userId: string, lang: Language) {
  const [balance, account, pending, withdrawable, courses] = await Promise.all([
    creditBalance(db, userId),
    db.creditAccount.findUnique({ where: { userId }, select: { totalEarned: true } }),
    pendingPayouts(db, userId),
    withdrawableOf(db, [userId]),
    db.$queryRaw<{ course_id: string; title_fr: string; title_en: string; sales: number; earned: bigint }[]>`
      SELECT c.id AS course_id, c.title_fr, c.title_en,
        count(*) FILTER (WHERE t.type = 'course_earning')::int AS sales,
        coalesce(sum(t.amount), 0)::bigint AS earned
      FROM transactions t
      JOIN credit_accounts a ON a.id = t.account_id
      JOIN courses c ON c.id = t.course_id
      WHERE a.user_id = ${userId}::uuid AND (t.type = 'course_earning' OR (t.type = 'refund' AND t.amount < 0))
      GROUP BY c.id ORDER BY earned DESC`,
  ]);
  return {
    balance,
    total_earned: toCredits(account?.totalEarned ?? 0),
    pending_payouts: pending,
    withdrawable: withdrawable.get(userId)?.withdrawable ?? 0,
    courses: courses.map((c) => ({
      course_id: c.course_id,
      title: inLanguage(lang, c.title_fr, c.title_en),
      sales: c.sales,
      earned: toCredits(c.earned),
    })),
  };
}

/** The payout's posting: the expert's credits leave for mobile money (negative `credits` gives them back). */
const payoutLines = (
  userId: string,
  id: string,
  credits: number,
  extra: Record<string, unknown> = {},
): PostingLine[] => [
  { account: { userId }, type: "payout", amount: -credits, metadata: { payout_id: id, ...extra } },
  { account: { counter: "mobile_money" }, type: "payout", amount: credits, metadata: { payout_id: id, ...extra } },
];

/**
 * Asks for a payout and holds its credits in the same transaction: 402 INSUFFICIENT_CREDITS past
 * the balance, 409 PAYOUT_EXCEEDS_EARNINGS past what the expert's courses earned and is not yet asked.
 */
export async function requestPayout(
  db: Db,
  userId: string,
  input: { credits: number; provider: Provider; phone: string },
) {
  return db.$transaction(async (tx) => {
    // The posting's two accounts, locked in its order before reading: a sale, a refund or another
    // request posting in between cannot change what is withdrawable until this one is held.
    await lockAccounts(tx, [await accountIdOf(tx, { userId }), await accountIdOf(tx, { counter: "mobile_money" })]);
    const balance = await creditBalance(tx, userId);
    if (input.credits > balance) throw new AppError("INSUFFICIENT_CREDITS");
    const { withdrawable = 0 } = (await withdrawableOf(tx, [userId])).get(userId) ?? {};
    if (input.credits > withdrawable) {
      throw new AppError("PAYOUT_EXCEEDS_EARNINGS", {
        details: {
          en: `You may ask for at most ${withdrawable} credits: what your courses earned and is not yet paid out.`,
          fr: `Vous pouvez demander au plus ${withdrawable} crédits : ce que vos cours ont rapporté et qui n'est pas encore versé.`,
        },
        extensions: { withdrawable, balance },
      });
    }
    const row = await tx.payoutRequest.create({
      data: { userId, credits: input.credits, provider: input.provider, phone: normalizePhone(input.phone) },
    });
    // The posting locks the account and refuses a balance below zero: two racing requests cannot both pass.
    await post(tx, { key: `payout:${row.id}`, lines: payoutLines(userId, row.id, row.credits) });
    return toPayout(row);
  });
}

export async function listPayouts(db: Db, input: { userId?: string; status?: string; page: number; limit: number }) {
  const where = {
    ...(input.userId ? { userId: input.userId } : {}),
    ...(input.status ? { status: input.status } : {}),
  };
  const [rows, total] = await Promise.all([
    db.payoutRequest.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.payoutRequest.count({ where }),
  ]);
  return { items: rows.map(toPayout), total };
}

/**
 * Payout requests for the admin, newest first, each with the expert who asked, what they earned
 * and what they may still ask (a request waiting is already held out of it).
 */
export async function listPayoutsForAdmin(db: Db, input: { status?: string; page: number; limit: number }) {
  const where = input.status ? { status: input.status } : {};
  const [rows, total] = await Promise.all([
    db.payoutRequest.findMany({
      where,
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.payoutRequest.count({ where }),
  ]);
  const earnings = await withdrawableOf(db, [...new Set(rows.map((r) => r.userId))]);
  return {
    items: rows.map(({ user, ...row }) => ({
      ...toPayout(row),
      expert: { ...user, ...(earnings.get(row.userId) ?? { earned: 0, withdrawable: 0 }) },
    })),
    total,
  };
}

/** Marks a requested payout paid (once), with the operator's reference: its credits left at the request. */
export async function markPayoutPaid(
  db: Db,
  id: string,
  operatorReference: string,
  meta: AuditMeta & { actorId: string },
) {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM payout_requests WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await tx.payoutRequest.findUnique({ where: { id } });
    if (!row) throw new AppError("NOT_FOUND");
    if (row.status === "paid") return toPayout(row);
    if (row.status !== "requested") throw new AppError("CONFLICT");
    // Replays the request's posting (same key): nothing moves, unless the request predates holding.
    await post(tx, { key: `payout:${id}`, lines: payoutLines(row.userId, id, row.credits) });
    const paid = await tx.payoutRequest.update({
      where: { id },
      data: { status: "paid", paidAt: meta.now, paidById: meta.actorId, operatorReference },
    });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "payout.paid",
      targetType: "payout_request",
      targetId: id,
      before: { status: row.status },
      after: { status: "paid", credits: row.credits, operator_reference: operatorReference },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toPayout(paid);
  });
}

/** Rejects a requested payout (once) and gives its held credits back to the expert. */
export async function rejectPayout(db: Db, id: string, meta: AuditMeta & { actorId: string }) {
  return db.$transaction(async (tx) => {
    const rejected = await tx.payoutRequest.updateMany({
      where: { id, status: "requested" },
      data: { status: "rejected" },
    });
    const row = await tx.payoutRequest.findUnique({ where: { id } });
    if (!row) throw new AppError("NOT_FOUND");
    if (rejected.count === 0 && row.status !== "rejected") throw new AppError("CONFLICT");
    if (rejected.count) {
      const hold = await tx.transaction.findFirst({
        where: { idempotencyKey: `payout:${id}`, account: { userId: row.userId } },
        select: { postingId: true },
      });
      if (hold) {
        await post(tx, {
          key: `payout-rejected:${id}`,
          lines: payoutLines(row.userId, id, -row.credits, { rejected: true }),
          relatedPostingId: hold.postingId,
        });
      }
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "payout.rejected",
        targetType: "payout_request",
        targetId: id,
        before: { status: "requested" },
        after: { status: "rejected" },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    }
    return toPayout(row);
  });
}
