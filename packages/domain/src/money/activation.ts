/**
 * `POST /subscriptions/activate`: a plan from an activation code, or from the learner's own
 * mobile-money payment named by the operator transaction id of their confirmation SMS. The SMS is
 * theirs when it quotes the reference of one of their intents or comes from a number they have
 * paid from; anyone else's is NOT_FOUND like an unknown id, so ids cannot be claimed or probed, and
 * each try counts on the activation codes' throttle. The SMS must have reached the relay and not
 * be matched yet (409 once it is); its amount picks the learner's open plan intent of that amount,
 * else the one active plan at that price. Anything else is a 409 for the admin review queue.
 */
import { AppError } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import type { AuditMeta } from "../request-meta.ts";
import { freeReference, fulfilIntent, type Provider, quotedTerms } from "./payments.ts";
import { lockOperatorTransaction, paidFrom } from "./sms/matching.ts";

export interface Activated {
  subscription_id: string;
  plan: string;
  starts_at: string;
  expires_at: string;
  daily_message_limit: number;
  /** The learner already held days: the period joined them (queued, or running ahead of cheaper ones). */
  extended: boolean;
}

/** How a code activates a plan; the activation-codes module provides it. */
export type RedeemPlanCode = (
  userId: string,
  code: string,
  meta: Pick<AuditMeta, "ip" | "now">,
) => Promise<{ subscriptionId: string | null; extended: boolean }>;

async function activatedView(db: Db | Tx, subscriptionId: string, extended: boolean): Promise<Activated> {
  const sub = await db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
  return {
    subscription_id: sub.id,
    plan: sub.plan,
    starts_at: sub.startsAt.toISOString(),
    expires_at: sub.expiresAt.toISOString(),
    daily_message_limit: sub.dailyMessageLimit,
    extended,
  };
}

/** The throttle on a learner's tries (the activation codes' one). */
export interface ActivationAttempts {
  reserve: () => Promise<void>;
  release: () => Promise<void>;
}

const WITH_PAYMENT = { payment: { select: { id: true } } } as const;

const unsettled = (sms: { status: string; payment: { id: string } | null }) =>
  (sms.status === "parsed" || sms.status === "review") && sms.payment === null;

/**
 * Whether the learner may claim an SMS: it quotes one of their references, or its number has paid
 * for them and for no one else (a family's or an agent's phone is an admin's call to settle).
 */
async function isOwnSms(tx: Tx, userId: string, sms: { parsedReference: string | null; parsedPhone: string | null }) {
  if (sms.parsedReference) {
    const intent = await tx.paymentIntent.findFirst({
      where: { userId, reference: sms.parsedReference },
      select: { id: true },
    });
    if (intent) return true;
  }
  if (!sms.parsedPhone) return false;
  const payers = await tx.subscriptionPayment.findMany({
    where: { userId: { not: null }, ...paidFrom(sms.parsedPhone) },
    distinct: ["userId"],
    select: { userId: true },
    take: 2,
  });
  return payers.length === 1 && payers[0]?.userId === userId;
}

/** The learner's own SMS with this operator transaction id, one still unsettled first; null when none is theirs. */
async function ownSms(tx: Tx, userId: string, transactionId: string) {
  const messages = await tx.smsRelayMessage.findMany({
    where: { parsedTransactionId: { equals: transactionId, mode: "insensitive" } },
    include: WITH_PAYMENT,
    orderBy: { createdAt: "asc" },
    take: 10,
  });
  const ordered = [...messages.filter(unsettled), ...messages.filter((m) => !unsettled(m))];
  for (const sms of ordered) if (await isOwnSms(tx, userId, sms)) return sms;
  return null;
}

/** A plan from the learner's own SMS named by its operator transaction id (see the module's comment). */
export async function activateBySmsReference(db: Db, viewer: Viewer, reference: string, now: Date): Promise<Activated> {
  const ref = reference.trim().toUpperCase();
  return db.$transaction(
    async (tx) => {
      const own = await ownSms(tx, viewer.userId, ref);
      if (!own?.provider || !own.parsedAmount || !own.parsedTransactionId) throw new AppError("NOT_FOUND");
      // The relay and this learner's other tries settle this transaction one after the other.
      await tx.$queryRaw`SELECT id FROM sms_relay_messages WHERE id = ${own.id}::uuid FOR UPDATE`;
      await lockOperatorTransaction(tx, own.provider, own.parsedTransactionId);
      const sms = await tx.smsRelayMessage.findUniqueOrThrow({ where: { id: own.id }, include: WITH_PAYMENT });
      if (!unsettled(sms) || !sms.provider || !sms.parsedAmount || !sms.parsedTransactionId) {
        throw new AppError("CONFLICT");
      }
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
            ...quotedTerms(plans[0]),
            // Drawn free first: a unique violation here would abort the whole payment's transaction.
            reference: await freeReference(tx),
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
      // Still under the learner's subscription lock: other periods held are the ones it joined.
      const others = await tx.subscription.count({
        where: { userId: viewer.userId, status: "active", expiresAt: { gt: now }, id: { not: done.subscriptionId } },
      });
      return activatedView(tx, done.subscriptionId, others > 0);
    },
    { maxWait: 20_000, timeout: 20_000 },
  );
}

/** The activation endpoint: a code through `redeem`, or a payment by its SMS reference (each try throttled). */
export async function activateSubscriptionWith(
  db: Db,
  viewer: Viewer,
  input: { code?: string | undefined; sms_reference?: string | undefined },
  meta: Pick<AuditMeta, "ip" | "now">,
  redeem: RedeemPlanCode,
  attempts: ActivationAttempts,
): Promise<Activated> {
  if (input.sms_reference) {
    await attempts.reserve();
    const activated = await activateBySmsReference(db, viewer, input.sms_reference, meta.now);
    await attempts.release();
    return activated;
  }
  if (!input.code) throw new AppError("VALIDATION_FAILED");
  const { subscriptionId, extended } = await redeem(viewer.userId, input.code, meta);
  if (!subscriptionId) throw new AppError("ACTIVATION_CODE_NOT_A_PLAN");
  return activatedView(db, subscriptionId, extended);
}
