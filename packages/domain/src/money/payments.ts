/**
 * Mobile-money payments. A learner opens an intent for a credit package or a plan: a short
 * reference with a check character, the exact amount, the merchant number per operator and how
 * to pay, and the terms it quotes (the package's credits and bonus, or the plan's length and daily
 * messages), kept on the intent. The operator's confirmation SMS, forwarded by the relay phone, is
 * matched to the intent (money/sms/), and fulfilling it posts the quoted credits or activates the
 * quoted plan, once: the payment row is unique per operator transaction id, and the intent is
 * marked paid under a row lock.
 */
import { AppError, type Language, PAYMENT_PROVIDERS } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { getSetting } from "../admin/settings/index.ts";
import { generateCheckedCode } from "./check-code.ts";
import { post } from "./ledger.ts";
import { activateSubscription, type PlanTerms } from "./subscriptions.ts";

export type Provider = (typeof PAYMENT_PROVIDERS)[number];

export const PROVIDER_NAMES: Record<Provider, string> = {
  orange_money: "Orange Money",
  wave: "Wave",
  mtn_momo: "MTN MoMo",
  moov_money: "Moov Money",
};

/** Payment references: 6 characters, the last a check character. */
export const REFERENCE_LENGTH = 6;

/**
 * A reference no intent holds yet, for a transaction that cannot draw again after a unique
 * violation (it would abort the transaction). References are kept for good, so collisions grow
 * with the table; a few draws make one vanishingly rare.
 */
export async function freeReference(tx: Tx): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const reference = generateCheckedCode(REFERENCE_LENGTH);
    if (!(await tx.paymentIntent.findUnique({ where: { reference }, select: { id: true } }))) return reference;
  }
  throw new Error("no free payment reference after 8 draws");
}

export interface IntentInput {
  purpose: "credits" | "subscription";
  package_id?: string | undefined;
  plan?: string | undefined;
  phone?: string | undefined;
}

export interface PaymentIntentView {
  id: string;
  purpose: "credits" | "subscription";
  reference: string;
  amount: number;
  currency: string;
  status: string;
  expires_at: string;
  credits: number | null;
  plan: string | null;
  pay_to: { provider: Provider; name: string; number: string; instructions: string }[];
}

const INSTRUCTIONS: Record<Language, (name: string, number: string, amount: string, reference: string) => string> = {
  fr: (name, number, amount, reference) =>
    `Avec ${name}, envoyez exactement ${amount} au ${number} en indiquant la référence ${reference} dans le motif. Vos achats arrivent dès la réception du SMS de confirmation.`,
  en: (name, number, amount, reference) =>
    `With ${name}, send exactly ${amount} to ${number} and write the reference ${reference} as the reason. Your purchase arrives as soon as the confirmation SMS is received.`,
};

function money(amount: number, currency: string, language: Language): string {
  return `${new Intl.NumberFormat(language === "fr" ? "fr-FR" : "en-GB").format(amount)} ${currency === "XOF" ? "FCFA" : currency}`;
}

type IntentRow = {
  id: string;
  purpose: string;
  reference: string;
  amount: number;
  currency: string;
  status: string;
  expiresAt: Date;
  credits: number | null;
  bonusCredits: number | null;
  plan: { slug: string } | null;
};

async function toView(db: Db | Tx, row: IntentRow, language: Language): Promise<PaymentIntentView> {
  const numbers = await getSetting(db, "payments.merchant_numbers");
  const amount = money(row.amount, row.currency, language);
  return {
    id: row.id,
    purpose: row.purpose === "subscription" ? "subscription" : "credits",
    reference: row.reference,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    expires_at: row.expiresAt.toISOString(),
    credits: row.credits === null ? null : row.credits + (row.bonusCredits ?? 0),
    plan: row.plan?.slug ?? null,
    pay_to: PAYMENT_PROVIDERS.flatMap((provider) => {
      const number = numbers[provider];
      if (!number) return [];
      const name = PROVIDER_NAMES[provider];
      return [{ provider, name, number, instructions: INSTRUCTIONS[language](name, number, amount, row.reference) }];
    }),
  };
}

const INTENT_INCLUDE = { plan: { select: { slug: true } } } as const;

/** The terms an intent quotes, copied from its offer when it is opened (what its payment delivers). */
export function quotedTerms(
  offer: { credits: number; bonusCredits: number } | { durationDays: number; dailyMessageLimit: number },
) {
  return "credits" in offer
    ? { credits: offer.credits, bonusCredits: offer.bonusCredits }
    : { durationDays: offer.durationDays, dailyMessageLimit: offer.dailyMessageLimit };
}

/**
 * Open intents a learner may hold at once. Each takes a reference for good (they are unique over
 * every intent ever opened): unbounded, a script could use the 29⁵ of them up.
 */
export const MAX_OPEN_INTENTS = 10;

/** 429 while the learner holds MAX_OPEN_INTENTS open ones, until the first of them expires. */
async function assertRoomForIntent(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`payment-intents:${userId}`}, 0))`;
  const open = await tx.paymentIntent.findMany({
    where: { userId, status: "open", expiresAt: { gt: now } },
    orderBy: { expiresAt: "asc" },
    select: { expiresAt: true },
    take: MAX_OPEN_INTENTS,
  });
  const first = open[0];
  if (open.length < MAX_OPEN_INTENTS || !first) return;
  throw new AppError("RATE_LIMITED", {
    retryAfterSeconds: Math.max(1, Math.ceil((first.expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

/** Opens an intent for an active package or plan (404 for anything else; 429 past MAX_OPEN_INTENTS). */
export async function createPaymentIntent(
  db: Db,
  userId: string,
  input: IntentInput,
  language: Language,
  now = new Date(),
): Promise<PaymentIntentView> {
  const ttl = await getSetting(db, "payments.intent_ttl_minutes");
  const target =
    input.purpose === "credits"
      ? input.package_id
        ? await db.creditPackage.findFirst({ where: { id: input.package_id, isActive: true } })
        : null
      : input.plan
        ? await db.subscriptionPlan.findFirst({ where: { slug: input.plan, isActive: true } })
        : null;
  if (!target?.priceAmount) throw new AppError("NOT_FOUND");
  // Read with the price in one row: the amount and the terms quoted are the offer's at one moment.
  const terms = quotedTerms(target);
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db.$transaction(async (tx) => {
        await assertRoomForIntent(tx, userId, now);
        return tx.paymentIntent.create({
          data: {
            userId,
            purpose: input.purpose,
            creditPackageId: input.purpose === "credits" ? target.id : null,
            planId: input.purpose === "subscription" ? target.id : null,
            reference: generateCheckedCode(REFERENCE_LENGTH),
            amount: target.priceAmount,
            currency: target.currency,
            ...terms,
            phone: input.phone ? normalizePhone(input.phone) : null,
            expiresAt: new Date(now.getTime() + ttl * 60_000),
          },
          include: INTENT_INCLUDE,
        });
      });
      return toView(db, row, language);
    } catch (error) {
      // A reference already taken (29⁵ of them): draw again.
      if (attempt >= 4 || (error as { code?: string }).code !== "P2002") throw error;
    }
  }
}

/** The learner's own intent. */
export async function getPaymentIntent(db: Db, userId: string, id: string, language: Language) {
  const row = await db.paymentIntent.findFirst({ where: { id, userId }, include: INTENT_INCLUDE });
  if (!row) throw new AppError("NOT_FOUND");
  return toView(db, row, language);
}

/** Digits only, with the country code when it was written ("+221 77 123 45 67" → "221771234567"). */
export function normalizePhone(phone: string): string {
  return phone.replace(/\D+/g, "");
}

/** The last 8 digits: how operators and people write the same number differently still match. */
export function phoneTail(phone: string): string {
  return normalizePhone(phone).slice(-8);
}

export interface ConfirmedPayment {
  provider: Provider;
  operatorReference: string;
  amount: number;
  currency: string;
  phone: string | null;
  smsRelayMessageId: string | null;
}

export interface Fulfilment {
  paymentId: string;
  userId: string;
  purpose: "credits" | "subscription";
  credits: number | null;
  subscriptionId: string | null;
  /** False when this operator transaction had been recorded already: nothing happened again. */
  applied: boolean;
}

/** A quoted term of the intent's purpose: never null (payment_intents_terms_check). */
function quoted(term: number | null): number {
  if (term === null) throw new Error("payment intent without the terms it quoted");
  return term;
}

/**
 * Records the payment and gives the learner what the intent quoted, in `tx`: its credits (a
 * posting from the mobile-money account, the bonus from the platform) or its plan's length and
 * daily messages, whatever the offer became since. The operator transaction id is unique per
 * operator, so a second delivery of the same payment changes nothing. The intent must be open or
 * lapsed (whether a lapsed one may still be paid is the caller's call: the matcher pays one that
 * was open when the SMS was received, an admin the one they pick), never paid or cancelled, and
 * its amount equal the paid amount.
 */
export async function fulfilIntent(tx: Tx, intentId: string, payment: ConfirmedPayment, at: Date): Promise<Fulfilment> {
  const existing = await tx.subscriptionPayment.findUnique({
    where: { provider_operatorReference: { provider: payment.provider, operatorReference: payment.operatorReference } },
    select: { id: true, userId: true, purpose: true, subscriptionId: true },
  });
  if (existing) {
    return {
      paymentId: existing.id,
      userId: existing.userId ?? "",
      purpose: existing.purpose === "subscription" ? "subscription" : "credits",
      credits: null,
      subscriptionId: existing.subscriptionId,
      applied: false,
    };
  }
  await tx.$queryRaw`SELECT id FROM payment_intents WHERE id = ${intentId}::uuid FOR UPDATE`;
  const intent = await tx.paymentIntent.findUniqueOrThrow({
    where: { id: intentId },
    include: { plan: { select: { slug: true } } },
  });
  if (
    (intent.status !== "open" && intent.status !== "expired") ||
    intent.amount !== payment.amount ||
    intent.currency !== payment.currency
  ) {
    throw new AppError("CONFLICT");
  }
  const row = await tx.subscriptionPayment.create({
    data: {
      userId: intent.userId,
      purpose: intent.purpose,
      plan: intent.plan?.slug ?? null,
      creditPackageId: intent.creditPackageId,
      provider: payment.provider,
      phone: payment.phone,
      amount: payment.amount,
      currency: payment.currency,
      operatorReference: payment.operatorReference,
      status: "confirmed",
      smsRelayMessageId: payment.smsRelayMessageId,
      confirmedAt: at,
    },
    select: { id: true },
  });
  await tx.paymentIntent.update({ where: { id: intent.id }, data: { status: "paid", paymentId: row.id } });
  if (intent.purpose === "credits") {
    const credits = quoted(intent.credits);
    const bonusCredits = quoted(intent.bonusCredits);
    const common = { creditPackageId: intent.creditPackageId, subscriptionPaymentId: row.id };
    await post(tx, {
      key: `payment:${row.id}`,
      at,
      lines: [
        { account: { userId: intent.userId }, type: "credit_purchase", amount: credits + bonusCredits, ...common },
        { account: { counter: "mobile_money" }, type: "credit_purchase", amount: -credits, ...common },
        { account: { counter: "platform" }, type: "credit_purchase", amount: -bonusCredits, ...common },
      ],
    });
    return {
      paymentId: row.id,
      userId: intent.userId,
      purpose: "credits",
      credits: credits + bonusCredits,
      subscriptionId: null,
      applied: true,
    };
  }
  const terms: PlanTerms = {
    slug: intent.plan?.slug ?? "",
    durationDays: quoted(intent.durationDays),
    dailyMessageLimit: quoted(intent.dailyMessageLimit),
  };
  const subscription = await activateSubscription(tx, { userId: intent.userId, terms, source: "sms", at });
  await tx.subscriptionPayment.update({ where: { id: row.id }, data: { subscriptionId: subscription.id } });
  return {
    paymentId: row.id,
    userId: intent.userId,
    purpose: "subscription",
    credits: null,
    subscriptionId: subscription.id,
    applied: true,
  };
}
