/**
 * Which payment intent an operator's SMS pays, and delivering it. First by our reference (an open,
 * unexpired intent with that reference and exactly the amount paid), otherwise by the payer's
 * number and the exact amount among open intents. Exactly one candidate is fulfilled, in the same
 * transaction that marks the message `matched`; none or several leave it for an admin (`review`).
 * A payment the operator already reported (same transaction id, e.g. from a second relay phone)
 * is `ignored`: it credits once.
 */
import type { Transaction, Tx } from "@sira/infra/db";
import { type Fulfilment, fulfilIntent, type Provider, phoneTail } from "../payments.ts";

export type ReviewReason = "no_intent" | "several_intents";

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

const OPEN = (facts: PaymentFacts, at: Date) => ({
  status: "open",
  expiresAt: { gt: at },
  amount: facts.amount,
  currency: facts.currency,
});

/** The ids of the intents this payment may be for (at most two: two already means "ask an admin"). */
export async function candidateIntents(tx: Tx, facts: PaymentFacts, at: Date): Promise<string[]> {
  if (facts.reference) {
    const byReference = await tx.paymentIntent.findMany({
      where: { ...OPEN(facts, at), reference: facts.reference },
      select: { id: true },
      take: 2,
    });
    if (byReference.length) return byReference.map((row) => row.id);
  }
  if (!facts.phone) return [];
  const byPhone = await tx.paymentIntent.findMany({
    where: { ...OPEN(facts, at), phone: { endsWith: phoneTail(facts.phone) } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: 2,
  });
  return byPhone.map((row) => row.id);
}

/** Whether this operator transaction is already a payment, or another message already carries it. */
async function alreadyReported(tx: Tx, messageId: string, provider: string, transactionId: string) {
  const payment = await tx.subscriptionPayment.findUnique({
    where: { provider_operatorReference: { provider, operatorReference: transactionId } },
    select: { id: true },
  });
  if (payment) return true;
  const other = await tx.smsRelayMessage.findFirst({
    where: {
      provider,
      parsedTransactionId: transactionId,
      id: { not: messageId },
      status: { in: ["matched", "review"] },
    },
    select: { id: true },
  });
  return other !== null;
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
  // Deliveries of one operator transaction settle one after the other.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sms:${provider}:${parsedTransactionId}`}, 0))`;
  const done = { processedAt: now };
  if (await alreadyReported(tx, messageId, provider, parsedTransactionId)) {
    await tx.smsRelayMessage.update({
      where: { id: messageId },
      data: { status: "ignored", error: "duplicate_transaction", ...done },
    });
    return { status: "ignored", reason: "duplicate_transaction" };
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
  if (locked?.status !== "open") {
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
