/**
 * `POST /subscriptions/activate`: a plan from an activation code, or from the learner's own
 * mobile-money payment named by the operator transaction id of their confirmation SMS. The SMS
 * must have reached the relay and not be matched yet; its amount picks the learner's open plan
 * intent of that amount, else the one active plan at that price. Anything else is a 409 for the
 * admin review queue to settle.
 */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import type { AuditMeta } from "../request-meta.ts";
import { generateCheckedCode } from "./check-code.ts";
import { fulfilIntent, type Provider, REFERENCE_LENGTH } from "./payments.ts";

export interface Activated {
  subscription_id: string;
  plan: string;
  expires_at: string;
  daily_message_limit: number;
  extended: boolean;
}

/** How a code activates a plan; the activation-codes module provides it. */
export type RedeemPlanCode = (
  userId: string,
  code: string,
  meta: Pick<AuditMeta, "ip" | "now">,
) => Promise<{ subscriptionId: string | null }>;

async function activatedView(db: Db, subscriptionId: string, extended: boolean): Promise<Activated> {
  const sub = await db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
  return {
    subscription_id: sub.id,
    plan: sub.plan,
    expires_at: sub.expiresAt.toISOString(),
    daily_message_limit: sub.dailyMessageLimit,
    extended,
  };
}

export async function activateBySmsReference(db: Db, viewer: Viewer, reference: string, now: Date): Promise<Activated> {
  const ref = reference.trim().toUpperCase();
  return db.$transaction(async (tx) => {
    const sms = await tx.smsRelayMessage.findFirst({
      where: {
        parsedTransactionId: { equals: ref, mode: "insensitive" },
        status: { in: ["parsed", "review"] },
        payment: null,
      },
      orderBy: { createdAt: "asc" },
    });
    if (!sms?.provider || !sms.parsedAmount || !sms.parsedTransactionId) throw new AppError("NOT_FOUND");
    const amount = sms.parsedAmount;
    const currency = sms.parsedCurrency ?? "XOF";
    let intent = await tx.paymentIntent.findFirst({
      where: { userId: viewer.userId, purpose: "subscription", status: "open", amount, currency },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (!intent) {
      const plans = await tx.subscriptionPlan.findMany({ where: { isActive: true, priceAmount: amount, currency } });
      if (plans.length !== 1 || !plans[0]) throw new AppError("CONFLICT");
      intent = await tx.paymentIntent.create({
        data: {
          userId: viewer.userId,
          purpose: "subscription",
          planId: plans[0].id,
          reference: generateCheckedCode(REFERENCE_LENGTH),
          amount,
          currency,
          expiresAt: now,
        },
        select: { id: true },
      });
    }
    const done = await fulfilIntent(
      tx,
      intent.id,
      {
        provider: sms.provider as Provider,
        operatorReference: sms.parsedTransactionId,
        amount,
        currency,
        phone: sms.parsedPhone,
        smsRelayMessageId: sms.id,
      },
      now,
    );
    if (!done.applied || !done.subscriptionId) throw new AppError("CONFLICT");
    await tx.smsRelayMessage.update({ where: { id: sms.id }, data: { status: "matched", processedAt: now } });
    const sub = await tx.subscription.findUniqueOrThrow({ where: { id: done.subscriptionId } });
    return {
      subscription_id: sub.id,
      plan: sub.plan,
      expires_at: sub.expiresAt.toISOString(),
      daily_message_limit: sub.dailyMessageLimit,
      extended: sub.startsAt.getTime() < now.getTime(),
    };
  });
}

/** The activation endpoint: a code through `redeem`, or a payment by its SMS reference. */
export async function activateSubscriptionWith(
  db: Db,
  viewer: Viewer,
  input: { code?: string | undefined; sms_reference?: string | undefined },
  meta: Pick<AuditMeta, "ip" | "now">,
  redeem: RedeemPlanCode,
): Promise<Activated> {
  if (input.sms_reference) return activateBySmsReference(db, viewer, input.sms_reference, meta.now);
  if (!input.code) throw new AppError("VALIDATION_FAILED");
  const before = await db.subscription.findFirst({
    where: { userId: viewer.userId, status: "active", expiresAt: { gt: meta.now } },
    select: { id: true },
  });
  const { subscriptionId } = await redeem(viewer.userId, input.code, meta);
  if (!subscriptionId) throw new AppError("ACTIVATION_CODE_NOT_A_PLAN");
  return activatedView(db, subscriptionId, before?.id === subscriptionId);
}
