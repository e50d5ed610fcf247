/**
 * The admin's SMS inbox: every forwarded message with what became of it, and the decisions on
 * those left for review (match one to a payment intent, or reject it), each audited. Also the
 * list of the payments the messages confirmed.
 */
import { AppError, type SmsRelayStatus } from "@sira/contracts";
import type { Db, Transaction } from "@sira/infra/db";
import { writeAudit } from "../../audit.ts";
import type { AuditMeta } from "../../request-meta.ts";
import { type Fulfilment, fulfilIntent, type Provider } from "../payments.ts";
import type { RelayDeps } from "./inbound.ts";
import { lockOperatorTransaction, paymentOf } from "./matching.ts";
import { notifyPaymentReceived } from "./notify.ts";

type AdminMeta = AuditMeta & { actorId: string };

const MESSAGE_INCLUDE = { payment: { select: { id: true } } } as const;
type MessageRow = Awaited<ReturnType<Db["smsRelayMessage"]["findUniqueOrThrow"]>> & {
  payment: { id: string } | null;
};

export const toRelayMessage = (r: MessageRow) => ({
  id: r.id,
  device_id: r.deviceId,
  device_message_id: r.deviceMessageId,
  sender: r.sender,
  body: r.body,
  received_at: r.receivedAt.toISOString(),
  provider: r.provider as Provider | null,
  parsed_amount: r.parsedAmount,
  parsed_currency: r.parsedCurrency,
  parsed_reference: r.parsedReference,
  parsed_transaction_id: r.parsedTransactionId,
  parsed_phone: r.parsedPhone,
  status: r.status as SmsRelayStatus,
  error: r.error,
  payment_id: r.payment?.id ?? null,
  processed_at: r.processedAt?.toISOString() ?? null,
  created_at: r.createdAt.toISOString(),
});

interface PageFilter {
  status?: string | undefined;
  provider?: string | undefined;
  page: number;
  limit: number;
}

const filterOf = (input: PageFilter) => ({
  ...(input.status ? { status: input.status } : {}),
  ...(input.provider ? { provider: input.provider } : {}),
});

/** Forwarded messages, newest first, by status and operator. */
export async function listRelayMessages(db: Db, input: PageFilter) {
  const where = filterOf(input);
  const [rows, total] = await Promise.all([
    db.smsRelayMessage.findMany({
      where,
      include: MESSAGE_INCLUDE,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.smsRelayMessage.count({ where }),
  ]);
  return { items: rows.map(toRelayMessage), total };
}

async function lockMessage(tx: Transaction, id: string) {
  await tx.$queryRaw`SELECT id FROM sms_relay_messages WHERE id = ${id}::uuid FOR UPDATE`;
  const message = await tx.smsRelayMessage.findUnique({ where: { id }, include: MESSAGE_INCLUDE });
  if (!message) throw new AppError("NOT_FOUND");
  return message;
}

/**
 * The admin pays `intentId` with a message under review: the amounts must be equal. An intent
 * past its validity may be chosen (the learner paid late; the admin decides); a paid or cancelled
 * one may not.
 */
export async function matchRelayMessageByAdmin(deps: RelayDeps, id: string, intentId: string, meta: AdminMeta) {
  const { row, fulfilment } = await deps.db.$transaction(async (tx) => {
    const message = await lockMessage(tx, id);
    if (message.status !== "review") throw new AppError("SMS_RELAY_NOT_IN_REVIEW");
    // As the relay and a learner's activation do: another message of this operator transaction
    // settles before or after this one, never beside it (its payment would collide, a 500).
    if (message.provider && message.parsedTransactionId) {
      await lockOperatorTransaction(tx, message.provider, message.parsedTransactionId);
    }
    await tx.$queryRaw`SELECT id FROM payment_intents WHERE id = ${intentId}::uuid FOR UPDATE`;
    const intent = await tx.paymentIntent.findUnique({ where: { id: intentId } });
    if (!intent) throw new AppError("NOT_FOUND");
    if (intent.amount !== message.parsedAmount || intent.currency !== message.parsedCurrency) {
      throw new AppError("SMS_RELAY_AMOUNT_MISMATCH");
    }
    if (intent.status !== "open" && intent.status !== "expired") throw new AppError("CONFLICT");
    if (intent.status === "expired")
      await tx.paymentIntent.update({ where: { id: intentId }, data: { status: "open" } });
    const done: Fulfilment = await fulfilIntent(tx, intentId, paymentOf(message), meta.now);
    // The operator transaction was recorded by another message: nothing was delivered again.
    if (!done.applied) throw new AppError("CONFLICT");
    const updated = await tx.smsRelayMessage.update({
      where: { id },
      data: { status: "matched", error: null, processedAt: meta.now },
      include: MESSAGE_INCLUDE,
    });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "sms_relay.matched",
      targetType: "sms_relay_message",
      targetId: id,
      before: { status: message.status },
      after: { status: "matched", intent_id: intentId, payment_id: done.paymentId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { row: updated, fulfilment: done };
  });
  await notifyPaymentReceived(deps, fulfilment, {
    provider: row.provider as Provider,
    amount: row.parsedAmount ?? 0,
  });
  return toRelayMessage(row);
}

/** The admin sets aside a message under review (or one that could not be read), with the reason. */
export async function rejectRelayMessage(db: Db, id: string, reason: string, meta: AdminMeta) {
  return db.$transaction(async (tx) => {
    const message = await lockMessage(tx, id);
    if (message.status === "rejected") return toRelayMessage(message);
    if (message.status !== "review" && message.status !== "failed") throw new AppError("SMS_RELAY_NOT_IN_REVIEW");
    const updated = await tx.smsRelayMessage.update({
      where: { id },
      data: { status: "rejected", error: reason, processedAt: meta.now },
      include: MESSAGE_INCLUDE,
    });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "sms_relay.rejected",
      targetType: "sms_relay_message",
      targetId: id,
      before: { status: message.status, error: message.error },
      after: { status: "rejected", error: reason },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toRelayMessage(updated);
  });
}

type PaymentRow = Awaited<ReturnType<Db["subscriptionPayment"]["findUniqueOrThrow"]>>;

export const toAdminPayment = (r: PaymentRow) => ({
  id: r.id,
  user_id: r.userId,
  purpose: r.purpose === "subscription" ? ("subscription" as const) : ("credits" as const),
  plan: r.plan,
  credit_package_id: r.creditPackageId,
  subscription_id: r.subscriptionId,
  provider: r.provider as Provider,
  phone: r.phone,
  amount: r.amount,
  currency: r.currency,
  operator_reference: r.operatorReference,
  status: r.status as "pending" | "confirmed" | "failed" | "refunded",
  sms_relay_message_id: r.smsRelayMessageId,
  confirmed_at: r.confirmedAt?.toISOString() ?? null,
  created_at: r.createdAt.toISOString(),
});

/** Mobile-money payments, newest first, by status and operator. */
export async function listPayments(db: Db, input: PageFilter) {
  const where = filterOf(input);
  const [rows, total] = await Promise.all([
    db.subscriptionPayment.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.subscriptionPayment.count({ where }),
  ]);
  return { items: rows.map(toAdminPayment), total };
}
