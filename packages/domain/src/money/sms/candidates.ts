/**
 * The intents an admin may pay with a message under review (matchRelayMessageByAdmin accepts
 * them): the same amount and currency, still open or expired, newest first, optionally narrowed
 * to the reference the learner quotes. The admin sees whose intent it is and whether the number
 * the learner gave is the sender's.
 */
import { AppError } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import { pageArgs } from "../../sync.ts";
import { phoneTail } from "../payments.ts";

export interface CandidateQuery {
  reference?: string | undefined;
  page: number;
  limit: number;
}

/** Intents a message may pay: NOT_FOUND for an unknown message; none when it carries no amount. */
export async function candidateIntentsForMessage(db: Db, messageId: string, query: CandidateQuery, now: Date) {
  const message = await db.smsRelayMessage.findUnique({
    where: { id: messageId },
    select: { parsedAmount: true, parsedCurrency: true, parsedPhone: true },
  });
  if (!message) throw new AppError("NOT_FOUND");
  if (message.parsedAmount === null || message.parsedCurrency === null) return { items: [], total: 0 };
  const where: Prisma.PaymentIntentWhereInput = {
    amount: message.parsedAmount,
    currency: message.parsedCurrency,
    status: { in: ["open", "expired"] },
    ...(query.reference ? { reference: { startsWith: query.reference } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.paymentIntent.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      include: { user: { select: { id: true, name: true, email: true } } },
      ...pageArgs(query),
    }),
    db.paymentIntent.count({ where }),
  ]);
  const sender = message.parsedPhone ? phoneTail(message.parsedPhone) : null;
  return {
    items: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      purpose: r.purpose === "subscription" ? ("subscription" as const) : ("credits" as const),
      amount: r.amount,
      currency: r.currency,
      status: r.status === "open" && r.expiresAt > now ? ("open" as const) : ("expired" as const),
      phone: r.phone,
      phone_matches: Boolean(sender && r.phone && phoneTail(r.phone) === sender),
      expires_at: r.expiresAt.toISOString(),
      created_at: r.createdAt.toISOString(),
      learner: r.user,
    })),
    total,
  };
}
