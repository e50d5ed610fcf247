/**
 * Money as learners, experts and admins read it: the credit balance and ledger rows, credit
 * packages and subscription plans, mobile-money payment intents, subscriptions, course purchases,
 * refunds, payouts and the revenue report.
 */
import { z } from "zod";
import { ANALYTICS_MAX_RANGE_DAYS } from "./analytics.ts";
import { pageQuerySchema, requestDaySchema, withoutDefaults } from "./common.ts";

const iso = z.iso.datetime();

/**
 * A mobile-money number as people write it ("+221 77 123 45 67"): stored as its digits only, so it
 * must hold 8 to 15 of them (a national number to a full E.164 one with its country code).
 */
export const mobileMoneyPhone = z
  .string()
  .trim()
  .max(30)
  .refine((v) => /^(?:\D*\d){8,15}\D*$/.test(v), {
    message: "A phone number of 8 to 15 digits",
    params: { fr: "Un numéro de téléphone de 8 à 15 chiffres." },
  });

export const PAYMENT_PROVIDERS = ["orange_money", "wave", "mtn_momo", "moov_money"] as const;
export const providerSchema = z.enum(PAYMENT_PROVIDERS);

export const TRANSACTION_TYPES = [
  "credit_purchase",
  "course_purchase",
  "course_earning",
  "commission",
  "tutor_usage",
  "refund",
  "payout",
  "code_redemption",
  "adjustment",
  "subscription_purchase",
] as const;

export const creditBalanceSchema = z.object({
  balance: z.number().int(),
  total_purchased: z.number().int(),
  total_spent: z.number().int(),
  total_earned: z.number().int(),
  updated_at: iso.nullable(),
});
export type CreditBalance = z.infer<typeof creditBalanceSchema>;

export const creditTransactionSchema = z.object({
  id: z.uuid(),
  /** The rows of one money movement share it (the other rows are other accounts'). */
  posting_id: z.uuid(),
  type: z.enum(TRANSACTION_TYPES),
  amount: z.number().int(),
  balance_after: z.number().int(),
  course_id: z.uuid().nullable(),
  description: z.string().nullable(),
  created_at: iso,
});
export type CreditTransaction = z.infer<typeof creditTransactionSchema>;
export const CREDIT_TRANSACTION_FIELDS = Object.keys(creditTransactionSchema.shape);

export const creditPackageSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  name_fr: z.string(),
  name_en: z.string(),
  credits: z.number().int(),
  bonus_credits: z.number().int(),
  price_amount: z.number().int(),
  currency: z.string(),
  is_active: z.boolean(),
  sort_order: z.number().int(),
});
export type CreditPackageView = z.infer<typeof creditPackageSchema>;

export const subscriptionPlanSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  name_fr: z.string(),
  name_en: z.string(),
  duration_days: z.number().int(),
  daily_message_limit: z.number().int(),
  price_amount: z.number().int(),
  currency: z.string(),
  is_active: z.boolean(),
  sort_order: z.number().int(),
});
export type SubscriptionPlanView = z.infer<typeof subscriptionPlanSchema>;

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+([-_][a-z0-9]+)*$/)
  .max(60);
const name = z.string().trim().min(1).max(120);
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .default("XOF");

export const creditPackageInput = z.strictObject({
  slug,
  name_fr: name,
  name_en: name,
  credits: z.number().int().min(1).max(1_000_000),
  bonus_credits: z.number().int().min(0).max(1_000_000).default(0),
  price_amount: z.number().int().min(1).max(100_000_000),
  currency,
  is_active: z.boolean().default(true),
  sort_order: z.number().int().min(0).max(1000).default(0),
});
export const creditPackagePatch = withoutDefaults(creditPackageInput.omit({ slug: true }).partial().strict());

export const subscriptionPlanInput = z.strictObject({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]+$/)
    .max(60),
  name_fr: name,
  name_en: name,
  duration_days: z.number().int().min(1).max(3660),
  daily_message_limit: z.number().int().min(0).max(10_000),
  price_amount: z.number().int().min(1).max(100_000_000),
  currency,
  is_active: z.boolean().default(true),
  sort_order: z.number().int().min(0).max(1000).default(0),
});
export const subscriptionPlanPatch = withoutDefaults(subscriptionPlanInput.omit({ slug: true }).partial().strict());

export const idParams = z.object({ id: z.uuid() });

/** A package (purpose credits, package_id) or a plan (purpose subscription, plan slug). */
export const paymentIntentInput = z
  .strictObject({
    purpose: z.enum(["credits", "subscription"]),
    package_id: z.uuid().optional(),
    plan: z.string().trim().min(1).max(60).optional(),
    /** The number the learner pays from: a payment without the reference still matches by it. */
    phone: mobileMoneyPhone.optional(),
  })
  .refine((v) => (v.purpose === "credits" ? v.package_id && !v.plan : v.plan && !v.package_id), {
    message: "credits takes package_id, subscription takes plan",
    path: ["purpose"],
  });

export const paymentIntentSchema = z.object({
  id: z.uuid(),
  purpose: z.enum(["credits", "subscription"]),
  /** Write it as the transfer's reason: 6 characters, the last a check character. */
  reference: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  expires_at: iso,
  credits: z.number().int().nullable(),
  plan: z.string().nullable(),
  pay_to: z.array(
    z.object({ provider: providerSchema, name: z.string(), number: z.string(), instructions: z.string() }),
  ),
});

/** One period of a plan the learner holds: running now, or queued behind the one running. */
export const subscriptionPeriodSchema = z.object({
  plan: z.string(),
  starts_at: iso,
  expires_at: iso,
  daily_message_limit: z.number().int(),
});

export const subscriptionStatusSchema = z.object({
  /** The plan running now. */
  plan: z.string().nullable(),
  status: z.enum(["active", "none"]),
  /** When the last day the learner holds ends (queued periods included). */
  expires_at: iso.nullable(),
  daily_message_limit: z.number().int(),
  messages_left: z.number().int(),
  current: subscriptionPeriodSchema.nullable(),
  /** Periods bought and not started, in the order they will run. */
  queued: z.array(subscriptionPeriodSchema),
});

/** Exactly one of an activation code and the operator transaction id of a confirmation SMS. */
export const subscriptionActivateInput = z
  .strictObject({
    code: z.string().trim().min(4).max(40).optional(),
    sms_reference: z.string().trim().min(4).max(60).optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.sms_reference === undefined), {
    message: "give either code or sms_reference",
    path: ["code"],
  });

/** The period bought: it starts now, or later behind days the learner holds with a larger allowance. */
export const subscriptionActivatedSchema = z.object({
  subscription_id: z.uuid(),
  plan: z.string(),
  starts_at: iso,
  expires_at: iso,
  daily_message_limit: z.number().int(),
  extended: z.boolean(),
});

export const purchaseResultSchema = z.object({
  course_id: z.uuid(),
  price: z.number().int(),
  charged: z.boolean(),
  balance: z.number().int(),
  enrollment: z.object({ course_id: z.uuid(), status: z.string() }).passthrough(),
});

export const refundResultSchema = z.object({
  posting_id: z.uuid(),
  refunded: z.number().int(),
  course_id: z.uuid(),
  user_id: z.uuid(),
  replayed: z.boolean(),
});
export const postingParams = z.object({ posting_id: z.uuid() });

export const tutorPaymentSettingsSchema = z.object({
  pay_beyond_limit: z.boolean(),
  credits_per_message: z.number().int(),
});
export const tutorPaymentSettingsInput = z.strictObject({ pay_beyond_limit: z.boolean() });

export const payoutInput = z.strictObject({
  credits: z.number().int().min(1).max(100_000_000),
  provider: providerSchema,
  phone: mobileMoneyPhone,
});
export const payoutSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid(),
  credits: z.number().int(),
  provider: providerSchema,
  phone: z.string(),
  status: z.enum(["requested", "paid", "rejected"]),
  operator_reference: z.string().nullable(),
  paid_at: iso.nullable(),
  created_at: iso,
});
/**
 * A payout as the admin pays it: with the expert who asked, what their courses earned (net of
 * refunds) and what they may still ask now (a request waiting is already held out of it).
 */
export const adminPayoutSchema = payoutSchema.extend({
  expert: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    earned: z.number().int(),
    withdrawable: z.number().int(),
  }),
});
export const payoutPaidInput = z.strictObject({ operator_reference: z.string().trim().min(3).max(80) });
export const payoutListQuery = pageQuerySchema.extend({ status: z.enum(["requested", "paid", "rejected"]).optional() });

export const earningsSchema = z.object({
  balance: z.number().int(),
  total_earned: z.number().int(),
  pending_payouts: z.number().int(),
  /** What a payout may ask now: course earnings net of refunds, less payouts held or paid, at most the balance. */
  withdrawable: z.number().int(),
  courses: z.array(
    z.object({ course_id: z.uuid(), title: z.string(), sales: z.number().int(), earned: z.number().int() }),
  ),
});

/** A range of UTC days, `from` not after `to`, as long as the analytics allow at most. */
export const revenueQuery = z.object({ from: requestDaySchema, to: requestDaySchema }).superRefine((q, ctx) => {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
  if (days < 1) ctx.addIssue({ code: "custom", path: ["from"], message: "`from` must not be after `to`" });
  if (days > ANALYTICS_MAX_RANGE_DAYS) {
    ctx.addIssue({
      code: "custom",
      path: ["from"],
      message: `The range may span ${ANALYTICS_MAX_RANGE_DAYS} days at most`,
    });
  }
});
export const revenueReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  by_day: z.array(
    z.object({
      day: z.string(),
      payments: z.number().int(),
      amount: z.number().int(),
      credits_sold: z.number().int(),
      course_sales: z.number().int(),
      /** Course purchases refunded that day (whenever they were bought). */
      course_refunds: z.number().int(),
      /** The platform's commission net of the refunds given that day: `commission_gross - commission_refunded`. */
      commission: z.number().int(),
      commission_gross: z.number().int(),
      commission_refunded: z.number().int(),
    }),
  ),
  by_operator: z.array(z.object({ provider: z.string(), payments: z.number().int(), amount: z.number().int() })),
  by_course: z.array(
    z.object({ course_id: z.uuid(), sales: z.number().int(), credits: z.number().int(), refunds: z.number().int() }),
  ),
  by_expert: z.array(
    z.object({
      expert_id: z.uuid(),
      /** Net of refunds in the period: `earned_gross - earned_refunded`, as the expert's own earnings count it. */
      earned: z.number().int(),
      earned_gross: z.number().int(),
      /** Taken back by refunds; a share already paid out stays the expert's (the platform covers it). */
      earned_refunded: z.number().int(),
      paid_out: z.number().int(),
    }),
  ),
});

export const reconciliationSchema = z.object({
  balanced: z.boolean(),
  accounts: z.array(z.object({ account_id: z.uuid(), balance: z.number().int(), sum: z.number().int() })),
  postings: z.array(z.object({ posting_id: z.uuid(), sum: z.number().int() })),
  negative: z.array(z.object({ account_id: z.uuid(), balance: z.number().int() })),
  chains: z.number().int(),
});

/** A course bought with credits, as the admin refunds it: the posting to give back and its state. */
export const adminPurchaseSchema = z.object({
  posting_id: z.uuid(),
  course: z.object({ id: z.uuid(), title: z.string() }),
  learner: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  price: z.number().int(),
  purchased_at: iso,
  /** The last moment a refund is accepted (`payments.refund_window_days` after the purchase). */
  refundable_until: iso,
  /** When it was refunded; null while it stands. */
  refunded_at: iso.nullable(),
});
export const adminPurchaseListQuery = pageQuerySchema.extend({ course_id: z.uuid().optional() });
