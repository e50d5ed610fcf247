/**
 * The learner hears that their payment arrived: one email once the purchase is delivered. Best
 * effort: the payment is recorded whatever the mail server does, so a failure is only logged.
 */
import type { Language } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { inLanguage } from "../../bilingual.ts";
import type { Mailer } from "../../email/mailer.ts";
import { escapeHtml } from "../../email/templates.ts";
import { type Fulfilment, PROVIDER_NAMES, type Provider } from "../payments.ts";

export interface NotifyDeps {
  db: Db;
  mailer: Mailer;
  logger: Pick<Logger, "warn">;
}

const NBSP = "\u00a0";

function money(amount: number, language: Language): string {
  return `${new Intl.NumberFormat(language === "fr" ? "fr-FR" : "en-GB").format(amount)}${NBSP}FCFA`;
}

function formatDate(date: Date, language: Language): string {
  return date.toLocaleDateString(language === "fr" ? "fr-FR" : "en-GB", { timeZone: "UTC" });
}

interface Received {
  amount: string;
  operator: string;
  credits: number | null;
  plan: string | null;
  /** Set when the period bought starts later, behind days the learner already holds. */
  from: string | null;
  until: string | null;
}

const BODY: Record<Language, (r: Received) => { subject: string; lines: string[] }> = {
  fr: (r) => ({
    subject: "Sira : paiement reçu",
    lines: [
      `Nous avons bien reçu votre paiement de ${r.amount} par ${r.operator}.`,
      r.credits !== null
        ? `${r.credits} crédits ont été ajoutés à votre compte.`
        : r.from
          ? `Votre abonnement ${r.plan ?? ""} commencera le ${r.from}, à la suite de vos jours en cours, et restera actif jusqu'au ${r.until ?? ""}.`
          : `Votre abonnement ${r.plan ?? ""} est actif jusqu'au ${r.until ?? ""}.`,
      "Merci, et bon apprentissage. L'équipe Sira",
    ],
  }),
  en: (r) => ({
    subject: "Sira: payment received",
    lines: [
      `We have received your payment of ${r.amount} by ${r.operator}.`,
      r.credits !== null
        ? `${r.credits} credits have been added to your account.`
        : r.from
          ? `Your ${r.plan ?? ""} subscription starts on ${r.from}, after the days you already hold, and stays active until ${r.until ?? ""}.`
          : `Your ${r.plan ?? ""} subscription is active until ${r.until ?? ""}.`,
      "Thank you, and happy learning. The Sira team",
    ],
  }),
};

/** Emails the learner that `fulfilment` delivered their purchase (nothing when it changed nothing). */
export async function notifyPaymentReceived(
  deps: NotifyDeps,
  fulfilment: Fulfilment,
  payment: { provider: Provider; amount: number },
): Promise<void> {
  if (!fulfilment.applied) return;
  try {
    const user = await deps.db.user.findUnique({
      where: { id: fulfilment.userId },
      select: { email: true, preferredLanguage: true, status: true },
    });
    if (user?.status !== "active") return;
    const language: Language = user.preferredLanguage === "en" ? "en" : "fr";
    const subscription = fulfilment.subscriptionId
      ? await deps.db.subscription.findUnique({
          where: { id: fulfilment.subscriptionId },
          select: { plan: true, startsAt: true, expiresAt: true },
        })
      : null;
    const plan = subscription
      ? await deps.db.subscriptionPlan.findUnique({
          where: { slug: subscription.plan },
          select: { nameFr: true, nameEn: true },
        })
      : null;
    const body = BODY[language]({
      amount: money(payment.amount, language),
      operator: PROVIDER_NAMES[payment.provider],
      credits: fulfilment.credits,
      plan: plan ? inLanguage(language, plan.nameFr, plan.nameEn) : (subscription?.plan ?? null),
      from: subscription && subscription.startsAt > new Date() ? formatDate(subscription.startsAt, language) : null,
      until: subscription ? formatDate(subscription.expiresAt, language) : null,
    });
    await deps.mailer.send({
      to: user.email,
      subject: body.subject,
      text: body.lines.join("\n\n"),
      html: `<p>${body.lines.map(escapeHtml).join("</p><p>")}</p>`,
      template: "payments.received",
      language,
      userId: fulfilment.userId,
    });
  } catch (error) {
    deps.logger.warn({ err: error, payment_id: fulfilment.paymentId }, "payment confirmation email not sent");
  }
}
