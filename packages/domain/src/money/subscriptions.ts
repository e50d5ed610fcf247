/**
 * Subscriptions: activating a plan (by code, by a mobile-money payment, or with credits) starts a
 * subscription, or extends the active one from its end date; the status a learner reads; and the
 * scheduled job that ends them at their end date and reminds learners three days before. The
 * tutor's daily limit reads the active subscription (tutor/limits.ts).
 */
import { AppError, type Language } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import type { Mailer } from "../email/mailer.ts";
import { escapeHtml } from "../email/templates.ts";
import { tutorDay } from "../tutor/limits.ts";

export const SUBSCRIPTION_SOURCES = ["code", "sms", "credits"] as const;
export type SubscriptionSource = (typeof SUBSCRIPTION_SOURCES)[number];

/** What a subscription grants: a plan's slug, length and tutor allowance. */
export interface PlanTerms {
  slug: string;
  durationDays: number;
  dailyMessageLimit: number;
}

export interface ActivatedSubscription {
  id: string;
  plan: string;
  expiresAt: Date;
  dailyMessageLimit: number;
  /** True when an active subscription was extended rather than a new one started. */
  extended: boolean;
}

const DAY_MS = 86_400_000;
/** The reminder goes out this long before the end. */
export const REMINDER_BEFORE_MS = 3 * DAY_MS;

/** The plan of `slug`, active or not (a code printed earlier still honours its plan). */
export async function planTerms(db: Db | Tx, slug: string): Promise<PlanTerms> {
  const plan = await db.subscriptionPlan.findUnique({
    where: { slug },
    select: { slug: true, durationDays: true, dailyMessageLimit: true },
  });
  if (!plan) throw new AppError("NOT_FOUND");
  return plan;
}

/**
 * Starts `terms` for the user at `at`, or extends their active subscription by its duration from
 * its current end (the allowance becomes the larger of the two). Serialised per user, so two
 * activations racing both count, and against the scheduled job ending it.
 */
export async function activateSubscription(
  tx: Tx,
  input: { userId: string; terms: PlanTerms; source: SubscriptionSource; activationCodeId?: string | null; at: Date },
): Promise<ActivatedSubscription> {
  const { userId, terms, at } = input;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`subscription:${userId}`}, 0))`;
  // Locked: the scheduled job ending it commits first (and it is then not extended) or waits.
  const [active] = await tx.$queryRaw<{ id: string; expiresAt: Date; dailyMessageLimit: number }[]>`
    SELECT id, expires_at AS "expiresAt", daily_message_limit AS "dailyMessageLimit" FROM subscriptions
    WHERE user_id = ${userId}::uuid AND status = 'active' AND expires_at > ${at}::timestamptz
    ORDER BY expires_at DESC LIMIT 1 FOR UPDATE`;
  const length = terms.durationDays * DAY_MS;
  if (active) {
    const updated = await tx.subscription.update({
      where: { id: active.id },
      data: {
        plan: terms.slug,
        expiresAt: new Date(active.expiresAt.getTime() + length),
        dailyMessageLimit: Math.max(active.dailyMessageLimit, terms.dailyMessageLimit),
        reminderSentAt: null,
      },
    });
    return { ...pick(updated), extended: true };
  }
  const created = await tx.subscription.create({
    data: {
      userId,
      plan: terms.slug,
      source: input.source,
      dailyMessageLimit: terms.dailyMessageLimit,
      startsAt: at,
      expiresAt: new Date(at.getTime() + length),
      activationCodeId: input.activationCodeId ?? null,
    },
  });
  return { ...pick(created), extended: false };
}

function pick(row: { id: string; plan: string; expiresAt: Date; dailyMessageLimit: number }) {
  return { id: row.id, plan: row.plan, expiresAt: row.expiresAt, dailyMessageLimit: row.dailyMessageLimit };
}

export interface SubscriptionStatus {
  plan: string | null;
  status: "active" | "none";
  expires_at: string | null;
  daily_message_limit: number;
  messages_left: number;
}

/** The learner's subscription as they read it: plan, end date, tutor allowance and what is left today. */
export async function subscriptionStatus(db: Db, userId: string, now: Date): Promise<SubscriptionStatus> {
  const [active, day] = await Promise.all([
    db.subscription.findFirst({
      where: { userId, status: "active", startsAt: { lte: now }, expiresAt: { gt: now } },
      orderBy: { expiresAt: "desc" },
    }),
    tutorDay(db, userId, now),
  ]);
  return {
    plan: active?.plan ?? null,
    status: active ? "active" : "none",
    expires_at: active?.expiresAt.toISOString() ?? null,
    daily_message_limit: day.limit,
    messages_left: Math.max(0, day.limit - day.used),
  };
}

const REMINDER = {
  fr: (plan: string, end: string) => ({
    subject: "Votre abonnement Sira se termine dans 3 jours",
    text: `Bonjour,\n\nVotre abonnement « ${plan} » se termine le ${end}. Pour continuer sans interruption, renouvelez-le depuis l'application (mobile money ou code d'activation).\n\nL'équipe Sira`,
  }),
  en: (plan: string, end: string) => ({
    subject: "Your Sira subscription ends in 3 days",
    text: `Hello,\n\nYour "${plan}" subscription ends on ${end}. To keep going without a break, renew it in the app (mobile money or an activation code).\n\nThe Sira team`,
  }),
};

/**
 * The scheduled subscription job: ends every active subscription whose end has passed, then sends
 * the 3-day reminder once per end date. Safe to run at any interval and more than once.
 */
export async function runSubscriptionSchedule(
  deps: { db: Db; mailer: Mailer; logger: Pick<Logger, "info" | "warn"> },
  now = new Date(),
): Promise<{ expired: number; reminded: number }> {
  const expired = await deps.db.subscription.updateMany({
    where: { status: "active", expiresAt: { lte: now } },
    data: { status: "expired" },
  });
  // Payment intents past their validity no longer match a payment by sender and amount.
  await deps.db.paymentIntent.updateMany({
    where: { status: "open", expiresAt: { lte: now } },
    data: { status: "expired" },
  });
  const due = await deps.db.subscription.findMany({
    where: {
      status: "active",
      reminderSentAt: null,
      expiresAt: { gt: now, lte: new Date(now.getTime() + REMINDER_BEFORE_MS) },
    },
    include: { user: { select: { email: true, preferredLanguage: true, status: true } } },
    take: 500,
  });
  let reminded = 0;
  for (const sub of due) {
    // Claim first: a second runner skips it, and a failed send is not retried into a flood.
    const claimed = await deps.db.subscription.updateMany({
      where: { id: sub.id, reminderSentAt: null },
      data: { reminderSentAt: now },
    });
    if (claimed.count === 0 || sub.user.status !== "active") continue;
    const language: Language = sub.user.preferredLanguage === "en" ? "en" : "fr";
    const end = sub.expiresAt.toLocaleDateString(language === "fr" ? "fr-FR" : "en-GB", { timeZone: "UTC" });
    const body = REMINDER[language](sub.plan, end);
    try {
      await deps.mailer.send({
        to: sub.user.email,
        subject: body.subject,
        text: body.text,
        html: `<p>${body.text.split("\n\n").map(escapeHtml).join("</p><p>")}</p>`,
        template: "subscription.reminder",
        language,
        userId: sub.userId,
      });
      reminded += 1;
    } catch (error) {
      deps.logger.warn({ err: error, subscription_id: sub.id }, "subscription reminder not sent");
    }
  }
  if (expired.count || reminded) deps.logger.info({ expired: expired.count, reminded }, "subscription schedule ran");
  return { expired: expired.count, reminded };
}
