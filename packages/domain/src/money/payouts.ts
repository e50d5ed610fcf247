/**
 * Experts' earnings and payouts. An expert asks to be paid part of their balance by mobile money
 * (never more than the balance less what is already asked); an admin pays it outside Sira and
 * marks it paid with the operator's reference, which posts the payout (expert → mobile money).
 */
import { AppError, type Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import type { AuditMeta } from "../request-meta.ts";
import { creditBalance } from "./course-access.ts";
import { post } from "./ledger.ts";
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
  const pending = await db.payoutRequest.aggregate({ where: { userId, status: "requested" }, _sum: { credits: true } });
  return pending._sum.credits ?? 0;
}

/** What an expert earned, course by course (net of refunds), their balance and what is already asked. */
export async function expertEarnings(db: Db, userId: string, lang: Language) {
  const [balance, account, pending, courses] = await Promise.all([
    creditBalance(db, userId),
    db.creditAccount.findUnique({ where: { userId }, select: { totalEarned: true } }),
    pendingPayouts(db, userId),
    db.$queryRaw<{ course_id: string; title_fr: string; title_en: string; sales: number; earned: number }[]>`
      SELECT c.id AS course_id, c.title_fr, c.title_en,
        count(*) FILTER (WHERE t.type = 'course_earning')::int AS sales,
        coalesce(sum(t.amount), 0)::int AS earned
      FROM transactions t
      JOIN credit_accounts a ON a.id = t.account_id
      JOIN courses c ON c.id = t.course_id
      WHERE a.user_id = ${userId}::uuid AND (t.type = 'course_earning' OR (t.type = 'refund' AND t.amount < 0))
      GROUP BY c.id ORDER BY earned DESC`,
  ]);
  return {
    balance,
    total_earned: account?.totalEarned ?? 0,
    pending_payouts: pending,
    courses: courses.map((c) => ({
      course_id: c.course_id,
      title: inLanguage(lang, c.title_fr, c.title_en),
      sales: c.sales,
      earned: c.earned,
    })),
  };
}

export async function requestPayout(
  db: Db,
  userId: string,
  input: { credits: number; provider: Provider; phone: string },
) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`payout:${userId}`}, 0))`;
    const balance = await creditBalance(tx, userId);
    const pending = await tx.payoutRequest.aggregate({
      where: { userId, status: "requested" },
      _sum: { credits: true },
    });
    if (input.credits > balance - (pending._sum.credits ?? 0)) throw new AppError("INSUFFICIENT_CREDITS");
    const row = await tx.payoutRequest.create({
      data: { userId, credits: input.credits, provider: input.provider, phone: normalizePhone(input.phone) },
    });
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

/** Marks a requested payout paid (once) and posts it: the expert's credits leave to mobile money. */
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
    await post(tx, {
      key: `payout:${id}`,
      lines: [
        { account: { userId: row.userId }, type: "payout", amount: -row.credits, metadata: { payout_id: id } },
        { account: { counter: "mobile_money" }, type: "payout", amount: row.credits, metadata: { payout_id: id } },
      ],
    });
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
