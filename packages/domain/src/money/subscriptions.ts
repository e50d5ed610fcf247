/**
 * Subscriptions: activating a plan (by code, by a mobile-money payment, or with credits) adds a
 * period of it to the learner's days, now or queued behind the periods they hold; the status a
 * learner reads (the period running and those queued); and the scheduled job that ends periods at
 * their end date and reminds learners three days before their last one ends. The tutor's daily
 * limit reads the period running now (tutor/limits.ts).
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
  /** Now, or later when the learner already holds days served before these. */
  startsAt: Date;
  expiresAt: Date;
  dailyMessageLimit: number;
  /** True when the learner already held days (the period joined them) rather than starting afresh. */
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

/** A period the learner holds, as the activation reads it (locked). */
interface HeldPeriod {
  id: string;
  plan: string;
  source: string;
  startsAt: Date;
  expiresAt: Date;
  dailyMessageLimit: number;
  activationCodeId: string | null;
}

/**
 * Gives the user `terms` for its duration, from `at`. Each purchase is its own period (row): the
 * learner's days are served best allowance first, so the new period goes before the first period
 * they hold with a smaller daily limit (a better plan starts now, the running cheaper one resumes
 * after it) and otherwise after the last one. The periods it goes before move later by its length,
 * so no day is lost. Serialised per user, so two activations racing both count, and against the
 * scheduled job ending a period (decision 0067).
 */
export async function activateSubscription(
  tx: Tx,
  input: { userId: string; terms: PlanTerms; source: SubscriptionSource; activationCodeId?: string | null; at: Date },
): Promise<ActivatedSubscription> {
  const { userId, terms, at } = input;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`subscription:${userId}`}, 0))`;
  // Locked: the scheduled job ending a period commits first (and it is then not read) or waits.
  const held = await tx.$queryRaw<HeldPeriod[]>`
    SELECT id, plan, source, starts_at AS "startsAt", expires_at AS "expiresAt",
      daily_message_limit AS "dailyMessageLimit", activation_code_id AS "activationCodeId"
    FROM subscriptions
    WHERE user_id = ${userId}::uuid AND status = 'active' AND expires_at > ${at}::timestamptz
    ORDER BY starts_at, expires_at FOR UPDATE`;
  const length = terms.durationDays * DAY_MS;
  const later = held.findIndex((period) => period.dailyMessageLimit < terms.dailyMessageLimit);
  let startsAt = at;
  if (later === -1) {
    for (const period of held) if (period.expiresAt > startsAt) startsAt = period.expiresAt;
  } else {
    const first = held[later] as HeldPeriod;
    if (first.startsAt > at) startsAt = first.startsAt;
    for (const period of held.slice(later)) await moveLater(tx, userId, period, at, length);
  }
  const created = await tx.subscription.create({
    data: {
      userId,
      plan: terms.slug,
      source: input.source,
      dailyMessageLimit: terms.dailyMessageLimit,
      startsAt,
      expiresAt: new Date(startsAt.getTime() + length),
      activationCodeId: input.activationCodeId ?? null,
    },
  });
  return { ...pick(created), extended: held.length > 0 };
}

/**
 * Moves what is left of `period` after `at` later by `length`. A running period is cut at `at` and
 * its remaining days become a new period of the same terms; a queued one moves whole. Either way
 * its end date changes, so its reminder is owed again.
 */
async function moveLater(tx: Tx, userId: string, period: HeldPeriod, at: Date, length: number): Promise<void> {
  const expiresAt = new Date(period.expiresAt.getTime() + length);
  if (period.startsAt >= at) {
    await tx.subscription.update({
      where: { id: period.id },
      data: { startsAt: new Date(period.startsAt.getTime() + length), expiresAt, reminderSentAt: null },
    });
    return;
  }
  await tx.subscription.update({ where: { id: period.id }, data: { expiresAt: at, reminderSentAt: null } });
  await tx.subscription.create({
    data: {
      userId,
      plan: period.plan,
      source: period.source,
      dailyMessageLimit: period.dailyMessageLimit,
      startsAt: new Date(at.getTime() + length),
      expiresAt,
      activationCodeId: period.activationCodeId,
    },
  });
}

function pick(row: { id: string; plan: string; startsAt: Date; expiresAt: Date; dailyMessageLimit: number }) {
  return {
    id: row.id,
    plan: row.plan,
    startsAt: row.startsAt,
    expiresAt: row.expiresAt,
    dailyMessageLimit: row.dailyMessageLimit,
  };
}

/** One period of a plan the learner holds. */
export interface SubscriptionPeriod {
  plan: string;
  starts_at: string;
  expires_at: string;
  daily_message_limit: number;
}

export interface SubscriptionStatus {
  /** The plan running now. */
  plan: string | null;
  status: "active" | "none";
  /** When the learner's last held day ends (the running period's end when nothing is queued). */
  expires_at: string | null;
  daily_message_limit: number;
  messages_left: number;
  current: SubscriptionPeriod | null;
  /** Periods bought and not started yet, in the order they will run. */
  queued: SubscriptionPeriod[];
}

const periodOf = (row: { plan: string; startsAt: Date; expiresAt: Date; dailyMessageLimit: number }) => ({
  plan: row.plan,
  starts_at: row.startsAt.toISOString(),
  expires_at: row.expiresAt.toISOString(),
  daily_message_limit: row.dailyMessageLimit,
});

/**
 * The learner's subscription as they read it: the period running now (its plan, its tutor
 * allowance and what is left of it today), the periods queued after it, and when the last ends.
 */
export async function subscriptionStatus(db: Db, userId: string, now: Date): Promise<SubscriptionStatus> {
  const [held, day] = await Promise.all([
    db.subscription.findMany({
      where: { userId, status: "active", expiresAt: { gt: now } },
      orderBy: [{ startsAt: "asc" }, { expiresAt: "asc" }],
    }),
    tutorDay(db, userId, now),
  ]);
  const running = held.filter((row) => row.startsAt <= now);
  // Periods do not overlap; were two to, the larger allowance is the one tutorDay counts.
  const active = running.reduce<(typeof held)[number] | null>(
    (best, row) => (best && best.dailyMessageLimit >= row.dailyMessageLimit ? best : row),
    null,
  );
  const last = held.reduce<Date | null>((end, row) => (end && end >= row.expiresAt ? end : row.expiresAt), null);
  return {
    plan: active?.plan ?? null,
    status: active ? "active" : "none",
    expires_at: active && last ? last.toISOString() : null,
    daily_message_limit: day.limit,
    messages_left: Math.max(0, day.limit - day.used),
    current: active ? periodOf(active) : null,
    queued: held.filter((row) => row.startsAt > now).map(periodOf),
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
 * The scheduled subscription job: ends every period whose end has passed, then sends the 3-day
 * reminder once per end date of a learner's last period. Safe to run at any interval and more than once.
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
  // Only a learner's last period: one that another follows does not end their subscription.
  const dueIds = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT s.id FROM subscriptions s
    WHERE s.status = 'active' AND s.reminder_sent_at IS NULL
      AND s.expires_at > ${now}::timestamptz AND s.expires_at <= ${new Date(now.getTime() + REMINDER_BEFORE_MS)}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM subscriptions n
        WHERE n.user_id = s.user_id AND n.status = 'active' AND n.expires_at > s.expires_at)
    LIMIT 500`;
  const due = await deps.db.subscription.findMany({
    where: { id: { in: dueIds.map((row) => row.id) } },
    include: { user: { select: { email: true, preferredLanguage: true, status: true } } },
  });
  let reminded = 0;
  for (const sub of due) {
    // Claim first: a second runner skips it, and a failed send is not retried into a flood.
    const claimed = await deps.db.$executeRaw`
      UPDATE subscriptions s SET reminder_sent_at = ${now}::timestamptz
      WHERE s.id = ${sub.id}::uuid AND s.reminder_sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM subscriptions n
        WHERE n.user_id = s.user_id AND n.status = 'active' AND n.expires_at > s.expires_at)`;
    if (claimed === 0 || sub.user.status !== "active") continue;
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
