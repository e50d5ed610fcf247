/**
 * Experts' earnings and payouts. An expert asks to be paid part of their balance by mobile money;
 * the request posts the payout at once (expert → mobile money), so the credits asked can be
 * neither spent nor taken back by a refund while an admin pays it outside Sira. Marking it paid
 * records the operator's reference; rejecting it posts the credits back.
 */
import { AppError, type Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import type { AuditMeta } from "../request-meta.ts";
import { toCredits } from "./amount.ts";
import { creditBalance } from "./course-access.ts";
import { type PostingLine, post } from "./ledger.ts";
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

/** What an expert earned, course by course (net of refunds), their balance and what is already asked. */
export async function expertEarnings(db: Db, userId: string, lang: Language) {
  const [balance, account, pending, courses] = await Promise.all([
    creditBalance(db, userId),
    db.creditAccount.findUnique({ where: { userId }, select: { totalEarned: true } }),
    pendingPayouts(db, userId),
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

/** Asks for a payout and holds its credits in the same transaction (402 INSUFFICIENT_CREDITS when short). */
export async function requestPayout(
  db: Db,
  userId: string,
  input: { credits: number; provider: Provider; phone: string },
) {
  return db.$transaction(async (tx) => {
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

/** Payout requests for the admin, newest first, each with the expert who asked. */
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
  return { items: rows.map(({ user, ...row }) => ({ ...toPayout(row), expert: user })), total };
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
