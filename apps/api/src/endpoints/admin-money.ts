/**
 * Back office for money (admins only, every change audited): credit packages and subscription
 * plans, course purchases and their refunds, expert payouts, the revenue report and the ledger's
 * reconciliation.
 */
import {
  adminPayoutSchema,
  adminPurchaseListQuery,
  adminPurchaseSchema,
  creditPackageInput,
  creditPackagePatch,
  creditPackageSchema,
  idParams,
  payoutListQuery,
  payoutPaidInput,
  payoutSchema,
  postingParams,
  reconciliationSchema,
  refundResultSchema,
  revenueQuery,
  revenueReportSchema,
  subscriptionPlanInput,
  subscriptionPlanPatch,
  subscriptionPlanSchema,
} from "@sira/contracts";
import {
  createCreditPackage,
  createSubscriptionPlan,
  isBalanced,
  listCoursePurchases,
  listCreditPackages,
  listPayoutsForAdmin,
  listSubscriptionPlans,
  markPayoutPaid,
  reconcileLedger,
  refundPurchase,
  rejectPayout,
  revenueReport,
  updateCreditPackage,
  updateSubscriptionPlan,
} from "@sira/domain";
import { z } from "zod";
import type { CallerContext } from "../caller.ts";
import { endpoint } from "../definition/endpoint.ts";

const ADMIN = "/api/v1/admin";
/** The admin behind a change and the request's meta, with its clock (refund windows read it). */
const adminOf = (ctx: CallerContext) => ({ ...ctx.meta, actorId: ctx.viewer.userId });
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const adminMoneyEndpoints = {
  packages: endpoint({
    method: "get",
    path: `${ADMIN}/credit-packages`,
    auth: "admin",
    summary: "Every credit package, active or not",
    output: list(creditPackageSchema),
    handle: async ({ ctx }) => ({ items: await listCreditPackages(ctx.deps.db, ctx.lang, true) }),
  }),
  createPackage: endpoint({
    method: "post",
    path: `${ADMIN}/credit-packages`,
    auth: "admin",
    summary: "Create a credit package (bilingual name, credits and bonus, price and currency, XOF by default)",
    body: creditPackageInput,
    output: creditPackageSchema,
    status: 201,
    errors: ["CONFLICT"],
    handle: ({ ctx, input }) => createCreditPackage(ctx.deps.db, input, adminOf(ctx), ctx.lang),
  }),
  updatePackage: endpoint({
    method: "patch",
    path: `${ADMIN}/credit-packages/{id}`,
    auth: "admin",
    summary:
      "Change a credit package (is_active false withdraws it from sale). Changing its credits or bonus closes " +
      "its open payment intents: a payment for one goes to the SMS review queue",
    params: idParams,
    body: creditPackagePatch,
    output: creditPackageSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...patch } }) => updateCreditPackage(ctx.deps.db, id, patch, adminOf(ctx), ctx.lang),
  }),
  plans: endpoint({
    method: "get",
    path: `${ADMIN}/subscription-plans`,
    auth: "admin",
    summary: "Every subscription plan, active or not",
    output: list(subscriptionPlanSchema),
    handle: async ({ ctx }) => ({ items: await listSubscriptionPlans(ctx.deps.db, ctx.lang, true) }),
  }),
  createPlan: endpoint({
    method: "post",
    path: `${ADMIN}/subscription-plans`,
    auth: "admin",
    summary: "Create a plan: bilingual name, duration, tutor messages per day, price and currency",
    body: subscriptionPlanInput,
    output: subscriptionPlanSchema,
    status: 201,
    errors: ["CONFLICT"],
    handle: ({ ctx, input }) => createSubscriptionPlan(ctx.deps.db, input, adminOf(ctx), ctx.lang),
  }),
  updatePlan: endpoint({
    method: "patch",
    path: `${ADMIN}/subscription-plans/{id}`,
    auth: "admin",
    summary:
      "Change a plan (running subscriptions keep their terms). Changing its duration or daily messages closes " +
      "its open payment intents: a payment for one goes to the SMS review queue",
    params: idParams,
    body: subscriptionPlanPatch,
    output: subscriptionPlanSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...patch } }) =>
      updateSubscriptionPlan(ctx.deps.db, id, patch, adminOf(ctx), ctx.lang),
  }),
  purchases: endpoint({
    method: "get",
    path: `${ADMIN}/purchases`,
    auth: "admin",
    summary:
      "Course purchases with credits, newest first (?course_id=): the posting to refund, the learner, the price, " +
      "until when a refund is accepted and when it was given",
    query: adminPurchaseListQuery,
    output: adminPurchaseSchema,
    shape: "page",
    handle: ({ ctx, input }) =>
      listCoursePurchases(ctx.deps.db, { course_id: input.course_id, page: input.page, limit: input.limit }, ctx.lang),
  }),
  refund: endpoint({
    method: "post",
    path: `${ADMIN}/purchases/{posting_id}/refund`,
    auth: "admin",
    summary:
      "Refund a course purchase within payments.refund_window_days: the posting is reversed (the platform covers " +
      "what the expert already paid out) and the enrollment dropped. Once: a repeat answers the same refund",
    params: postingParams,
    output: refundResultSchema,
    errors: ["NOT_FOUND", "REFUND_WINDOW_CLOSED"],
    handle: ({ ctx, input }) => refundPurchase(ctx.deps.db, input.posting_id, adminOf(ctx)),
  }),
  payouts: endpoint({
    method: "get",
    path: `${ADMIN}/payouts`,
    auth: "admin",
    summary:
      "Expert payout requests, newest first (?status=), each with the expert who asked, what their courses " +
      "earned (net of refunds) and what they may still ask",
    query: payoutListQuery,
    output: adminPayoutSchema,
    shape: "page",
    handle: ({ ctx, input }) =>
      listPayoutsForAdmin(ctx.deps.db, {
        ...(input.status ? { status: input.status } : {}),
        page: input.page,
        limit: input.limit,
      }),
  }),
  payoutPaid: endpoint({
    method: "post",
    path: `${ADMIN}/payouts/{id}/paid`,
    auth: "admin",
    summary: "Mark a payout paid with the operator's reference (its credits were held when it was asked)",
    params: idParams,
    body: payoutPaidInput,
    output: payoutSchema,
    errors: ["NOT_FOUND", "CONFLICT", "INSUFFICIENT_CREDITS"],
    handle: ({ ctx, input }) => markPayoutPaid(ctx.deps.db, input.id, input.operator_reference, adminOf(ctx)),
  }),
  payoutRejected: endpoint({
    method: "post",
    path: `${ADMIN}/payouts/{id}/reject`,
    auth: "admin",
    summary: "Refuse a payout request: its held credits go back to the expert",
    params: idParams,
    output: payoutSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input }) => rejectPayout(ctx.deps.db, input.id, adminOf(ctx)),
  }),
  revenue: endpoint({
    method: "get",
    path: `${ADMIN}/revenue`,
    auth: "admin",
    summary: "Revenue from ?from= to ?to= (dates, UTC): by day, by operator, by course and by expert",
    query: revenueQuery,
    output: revenueReportSchema,
    handle: ({ ctx, input }) => revenueReport(ctx.deps.db, input),
  }),
  reconciliation: endpoint({
    method: "get",
    path: `${ADMIN}/ledger/reconciliation`,
    auth: "admin",
    summary:
      "The ledger's check now: accounts whose balance is not the sum of their rows, unbalanced postings, negatives",
    output: reconciliationSchema,
    handle: async ({ ctx }) => {
      const drift = await reconcileLedger(ctx.deps.db);
      return { balanced: isBalanced(drift), ...drift };
    },
  }),
};
