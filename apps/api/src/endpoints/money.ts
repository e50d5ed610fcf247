/**
 * Money for learners and experts: the credit balance and ledger rows, what is for sale, mobile-money
 * payment intents, buying a course, the subscription's status and activation, paying tutor
 * messages past the limit, and experts' earnings and payouts.
 */
import {
  CREDIT_TRANSACTION_FIELDS,
  catalogCourseKeyInput,
  creditBalanceSchema,
  creditPackageSchema,
  creditTransactionSchema,
  earningsSchema,
  idParams,
  pageQuerySchema,
  paymentIntentInput,
  paymentIntentSchema,
  payoutInput,
  payoutSchema,
  purchaseResultSchema,
  subscriptionActivatedSchema,
  subscriptionActivateInput,
  subscriptionPlanSchema,
  subscriptionStatusSchema,
  tutorPaymentSettingsInput,
  tutorPaymentSettingsSchema,
} from "@sira/contracts";
import {
  activateSubscriptionWith,
  authKeys,
  createPaymentIntent,
  expertEarnings,
  getPaymentIntent,
  listCreditPackages,
  listPayouts,
  listSubscriptionPlans,
  listTransactions,
  planCodeRedeemer,
  purchaseCourse,
  readBalance,
  redemptionAttempts,
  requestPayout,
  setTutorOverage,
  subscriptionStatus,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const creditEndpoints = {
  balance: endpoint({
    method: "get",
    path: "/api/v1/credits/balance",
    auth: "learner",
    summary: "The caller's credit balance with what they bought, spent and earned",
    output: creditBalanceSchema,
    handle: ({ ctx }) => readBalance(ctx.deps.db, ctx.viewer.userId),
  }),
  transactions: endpoint({
    method: "get",
    path: "/api/v1/credits/transactions",
    auth: "learner",
    summary: "The caller's ledger rows, newest first; with ?since= the rows written since, oldest first",
    query: pageQuerySchema,
    output: creditTransactionSchema,
    shape: "sync",
    fields: CREDIT_TRANSACTION_FIELDS,
    handle: ({ ctx, input, since, now }) =>
      listTransactions(ctx.deps.db, ctx.viewer.userId, { page: input.page, limit: input.limit, since, now }),
  }),
  packages: endpoint({
    method: "get",
    path: "/api/v1/credits/packages",
    auth: "learner",
    summary: "Credit packages for sale, in the request's language",
    output: list(creditPackageSchema),
    handle: async ({ ctx }) => ({ items: await listCreditPackages(ctx.deps.db, ctx.lang) }),
  }),
  createIntent: endpoint({
    method: "post",
    path: "/api/v1/payments/intents",
    auth: "learner",
    summary:
      "Pay a credit package or a plan by mobile money: answers the reference to write in the transfer (6 " +
      "characters, the last a check character), the exact amount, the merchant number per operator with " +
      "instructions, and when it expires. A learner holds at most 10 open intents (429 until one is paid or expires)",
    body: paymentIntentInput,
    output: paymentIntentSchema,
    status: 201,
    errors: ["NOT_FOUND", "RATE_LIMITED"],
    handle: ({ ctx, input }) => createPaymentIntent(ctx.deps.db, ctx.viewer.userId, input, ctx.lang, ctx.meta.now),
  }),
  intent: endpoint({
    method: "get",
    path: "/api/v1/payments/intents/{id}",
    auth: "learner",
    summary: "One of the caller's payment intents (status open, paid or expired)",
    params: idParams,
    output: paymentIntentSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getPaymentIntent(ctx.deps.db, ctx.viewer.userId, input.id, ctx.lang),
  }),
  purchase: endpoint({
    method: "post",
    path: "/api/v1/courses/{id_or_slug}/purchase",
    auth: "learner",
    summary:
      "Buy a paid course with credits and enroll (idempotent: a course already bought or opened by a code is not " +
      "charged again). 402 INSUFFICIENT_CREDITS with price, balance and buy_credits_url",
    params: catalogCourseKeyInput,
    output: purchaseResultSchema,
    errors: ["NOT_FOUND", "COURSE_NOT_OPEN", "INSUFFICIENT_CREDITS", "PAYMENT_REQUIRED"],
    handle: ({ ctx, input }) => purchaseCourse(ctx.deps, ctx.viewer, input.id_or_slug, ctx.meta.occurredAt),
  }),
};

export const subscriptionEndpoints = {
  plans: endpoint({
    method: "get",
    path: "/api/v1/subscriptions/plans",
    auth: "learner",
    summary: "Subscription plans for sale: duration, tutor messages per day, price",
    output: list(subscriptionPlanSchema),
    handle: async ({ ctx }) => ({ items: await listSubscriptionPlans(ctx.deps.db, ctx.lang) }),
  }),
  status: endpoint({
    method: "get",
    path: "/api/v1/subscriptions/status",
    auth: "learner",
    summary:
      "The caller's plan running now, status, the end of the last day held (expires_at), daily tutor limit, " +
      "messages left today, and the periods: current and queued",
    output: subscriptionStatusSchema,
    handle: ({ ctx, now }) => subscriptionStatus(ctx.deps.db, ctx.viewer.userId, now),
  }),
  activate: endpoint({
    method: "post",
    path: "/api/v1/subscriptions/activate",
    auth: "learner",
    summary:
      "Activate a plan with an activation code ({code}) or with the operator transaction id of the learner's own " +
      "mobile-money confirmation SMS ({sms_reference}); while a subscription is active, the plan's period is " +
      "queued behind it, or starts now when its daily limit is larger (the days left of smaller ones follow it)",
    body: subscriptionActivateInput,
    output: subscriptionActivatedSchema,
    errors: [
      "NOT_FOUND",
      "CONFLICT",
      "ACTIVATION_CODE_INVALID",
      "ACTIVATION_CODE_NOT_REDEEMABLE",
      "ACTIVATION_CODE_ALREADY_REDEEMED",
      "ACTIVATION_CODE_THROTTLED",
      "ACTIVATION_CODE_NOT_A_PLAN",
    ],
    handle: ({ ctx, input }) => {
      const codes = { db: ctx.deps.db, pepper: authKeys(ctx.deps.config).pepper };
      return activateSubscriptionWith(
        ctx.deps.db,
        ctx.viewer,
        input,
        ctx.meta,
        planCodeRedeemer(codes),
        redemptionAttempts(codes, ctx.viewer.userId, ctx.meta),
      );
    },
  }),
  tutorPayment: endpoint({
    method: "put",
    path: "/api/v1/tutor/payment",
    auth: "learner",
    summary: "Pay tutor messages past the daily limit with credits (credits_per_message each), or stop",
    body: tutorPaymentSettingsInput,
    output: tutorPaymentSettingsSchema,
    handle: ({ ctx, input }) => setTutorOverage(ctx.deps.db, ctx.viewer.userId, input.pay_beyond_limit),
  }),
};

export const expertMoneyEndpoints = {
  earnings: endpoint({
    method: "get",
    path: "/api/v1/expert/earnings",
    auth: "expert",
    summary:
      "The expert's balance, total earned, payouts asked, what a payout may still ask (withdrawable), " +
      "and earnings course by course (net of refunds)",
    output: earningsSchema,
    handle: ({ ctx }) => expertEarnings(ctx.deps.db, ctx.viewer.userId, ctx.lang),
  }),
  requestPayout: endpoint({
    method: "post",
    path: "/api/v1/expert/payouts",
    auth: "expert",
    summary:
      "Ask to be paid credits your courses earned by mobile money (the credits asked leave the balance at once); " +
      "409 PAYOUT_EXCEEDS_EARNINGS past the earnings' `withdrawable` (credits from codes, purchases and bonuses stay)",
    body: payoutInput,
    output: payoutSchema,
    status: 201,
    errors: ["INSUFFICIENT_CREDITS", "PAYOUT_EXCEEDS_EARNINGS"],
    handle: ({ ctx, input }) => requestPayout(ctx.deps.db, ctx.viewer.userId, input),
  }),
  payouts: endpoint({
    method: "get",
    path: "/api/v1/expert/payouts",
    auth: "expert",
    summary: "The expert's payout requests, newest first",
    query: pageQuerySchema,
    output: payoutSchema,
    shape: "page",
    handle: ({ ctx, input }) =>
      listPayouts(ctx.deps.db, { userId: ctx.viewer.userId, page: input.page, limit: input.limit }),
  }),
};
