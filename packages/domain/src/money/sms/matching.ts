/**
 * Which payment intent an operator's SMS pays, and delivering it. By our reference when the payer
 * wrote one (an intent with that reference and exactly the amount paid, open when the phone
 * received the SMS, whether or not the schedule has marked it lapsed since; none is a `review`).
 * Without one, by the payer's number and the exact amount among the intents open then, but only
 * intents of a learner who has already paid from that number: the number on an intent is typed by
 * the learner, unverified. Exactly one candidate is fulfilled, in the same transaction that marks
 * the message `matched`; several that are one learner's copies of one quote (a double tap) count
 * as one, the oldest. None, or several otherwise, leave it for an admin (`review`). A payment
 * the operator already reported (same transaction id, amount and number, e.g. from a second relay
 * phone) is `ignored`: it credits once. The same id with another amount or number goes to `review`.
 */
import type { Prisma, Transaction, Tx } from "@sira/infra/db";
import { type Fulfilment, fulfilIntent, type Provider, phoneTail } from "../payments.ts";

export type ReviewReason = "no_intent" | "several_intents" | "transaction_id_reused";

export type Settlement =
  | { status: "matched"; fulfilment: Fulfilment; payment: { provider: Provider; amount: number } }
  | { status: "review"; reason: ReviewReason }
  | { status: "ignored"; reason: "duplicate_transaction" }
  /** Another run settled the message first: its status as it stands. */
  | { status: "settled"; current: string };

export interface PaymentFacts {
  provider: Provider;
  amount: number;
  currency: string;
  phone: string | null;
  reference: string | null;
}

/**
 * Intents open at `at` with this amount. `expired` is only the 15-minute schedule's mark of an
 * intent past its expiry (payment intents are closed early only as `cancelled`, on erasure), so
 * one lapsed since `at` still counts: a relay that was offline pays what was open when the learner paid.
 */
const OPEN = (facts: PaymentFacts, at: Date): Prisma.PaymentIntentWhereInput => ({
  status: { in: ["open", "expired"] },
  expiresAt: { gt: at },
  amount: facts.amount,
  currency: facts.currency,
});

/** What makes two intents copies of one quote: the learner, the offer and the terms quoted. */
const QUOTE = {
  userId: true,
  purpose: true,
  creditPackageId: true,
  planId: true,
  credits: true,
  bonusCredits: true,
  durationDays: true,
  dailyMessageLimit: true,
} as const;

/** Confirmed payments from `phone`: a learner with one has proven the number is theirs. */
export function paidFrom(phone: string): Prisma.SubscriptionPaymentWhereInput {
  return { status: "confirmed", phone: { endsWith: phoneTail(phone) } };
}

/**
 * The ids of the intents this payment may be for (at most two: two already means "ask an admin").
 * By number, intents that are all one learner's copies of one quote (the same offer, terms and
 * amount: a double tap on a slow network opens two) are one candidate, the oldest; the others stay
 * open and lapse.
 */
export async function candidateIntents(tx: Tx, facts: PaymentFacts, at: Date): Promise<string[]> {
  if (facts.reference) {
    const byReference = await tx.paymentIntent.findMany({
      where: { ...OPEN(facts, at), reference: facts.reference },
      select: { id: true },
      take: 2,
    });
    return byReference.map((row) => row.id);
  }
  if (!facts.phone) return [];
  const where: Prisma.PaymentIntentWhereInput = {
    ...OPEN(facts, at),
    phone: { endsWith: phoneTail(facts.phone) },
    user: { subscriptionPayments: { some: paidFrom(facts.phone) } },
  };
  const oldest = await tx.paymentIntent.findFirst({
    where,
    select: { id: true, ...QUOTE },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if (!oldest) return [];
  // The purpose fixes which terms are null (payment_intents_terms_check), so NOT never meets a NULL.
  const { id, ...quote } = oldest;
  const other = await tx.paymentIntent.findFirst({ where: { AND: [where, { NOT: quote }] }, select: { id: true } });
  return other ? [id, other.id] : [id];
}

type Reported = { amount: number | null; phone: string | null };

const samePayment = (a: Reported, b: Reported) =>
  a.amount === b.amount && (a.phone ? phoneTail(a.phone) : null) === (b.phone ? phoneTail(b.phone) : null);

/**
 * Whether this operator transaction was reported before (a payment, or another message matched or
 * under review): `same` when with this amount and number, `different` when only otherwise.
 */
async function alreadyReported(tx: Tx, messageId: string, provider: string, transactionId: string, facts: Reported) {
  const payment = await tx.subscriptionPayment.findUnique({
    where: { provider_operatorReference: { provider, operatorReference: transactionId } },
    select: { amount: true, phone: true },
  });
  if (payment) return samePayment(payment, facts) ? "same" : "different";
  const others = await tx.smsRelayMessage.findMany({
    where: {
      provider,
      parsedTransactionId: transactionId,
      id: { not: messageId },
      status: { in: ["matched", "review"] },
    },
    select: { parsedAmount: true, parsedPhone: true },
  });
  if (!others.length) return null;
  return others.some((o) => samePayment({ amount: o.parsedAmount, phone: o.parsedPhone }, facts))
    ? "same"
    : "different";
}

/** Deliveries and claims of one operator transaction settle one after the other, until `tx` ends. */
export async function lockOperatorTransaction(tx: Tx, provider: string, transactionId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sms:${provider}:${transactionId}`}, 0))`;
}

/**
 * Settles a `parsed` message in `tx`: matched (and fulfilled), review or ignored. Intents are
 * valid at the time the phone received the SMS (never later than now): a relay that was offline
 * for a while still pays the intents that were open when the learner paid.
 */
export async function settleRelayMessage(tx: Transaction, messageId: string, now: Date): Promise<Settlement> {
  await tx.$queryRaw`SELECT id FROM sms_relay_messages WHERE id = ${messageId}::uuid FOR UPDATE`;
  const message = await tx.smsRelayMessage.findUniqueOrThrow({ where: { id: messageId } });
  const { provider, parsedAmount, parsedCurrency, parsedTransactionId } = message;
  if (message.status !== "parsed" || !provider || !parsedAmount || !parsedCurrency || !parsedTransactionId) {
    return { status: "settled", current: message.status };
  }
  await lockOperatorTransaction(tx, provider, parsedTransactionId);
  const done = { processedAt: now };
  const reported = await alreadyReported(tx, messageId, provider, parsedTransactionId, {
    amount: parsedAmount,
    phone: message.parsedPhone,
  });
  if (reported === "same") {
    await tx.smsRelayMessage.update({
      where: { id: messageId },
      data: { status: "ignored", error: "duplicate_transaction", ...done },
    });
    return { status: "ignored", reason: "duplicate_transaction" };
  }
  if (reported === "different") {
    const reason: ReviewReason = "transaction_id_reused";
    await tx.smsRelayMessage.update({ where: { id: messageId }, data: { status: "review", error: reason, ...done } });
    return { status: "review", reason };
  }
  const facts: PaymentFacts = {
    provider: provider as Provider,
    amount: parsedAmount,
    currency: parsedCurrency,
    phone: message.parsedPhone,
    reference: message.parsedReference,
  };
  const at = message.receivedAt < now ? message.receivedAt : now;
  const candidates = await candidateIntents(tx, facts, at);
  if (candidates.length !== 1) {
    const reason: ReviewReason = candidates.length ? "several_intents" : "no_intent";
    await tx.smsRelayMessage.update({ where: { id: messageId }, data: { status: "review", error: reason, ...done } });
    return { status: "review", reason };
  }
  const intentId = candidates[0] as string;
  // Paid by another payment since it was found: this one is for an admin to look at.
  const [locked] = await tx.$queryRaw<{ status: string }[]>`
    SELECT status FROM payment_intents WHERE id = ${intentId}::uuid FOR UPDATE`;
  if (locked?.status !== "open" && locked?.status !== "expired") {
    await tx.smsRelayMessage.update({
      where: { id: messageId },
      data: { status: "review", error: "no_intent", ...done },
    });
    return { status: "review", reason: "no_intent" };
  }
  const fulfilment = await fulfilIntent(tx, intentId, paymentOf(message), now);
  await tx.smsRelayMessage.update({ where: { id: messageId }, data: { status: "matched", error: null, ...done } });
  return { status: "matched", fulfilment, payment: { provider: facts.provider, amount: facts.amount } };
}

/** The confirmed payment a parsed message stands for. */
export function paymentOf(message: {
  id: string;
  provider: string | null;
  parsedAmount: number | null;
  parsedCurrency: string | null;
  parsedTransactionId: string | null;
  parsedPhone: string | null;
}) {
  return {
    provider: message.provider as Provider,
    operatorReference: message.parsedTransactionId ?? "",
    amount: message.parsedAmount ?? 0,
    currency: message.parsedCurrency ?? "XOF",
    phone: message.parsedPhone,
    smsRelayMessageId: message.id,
  };
}
