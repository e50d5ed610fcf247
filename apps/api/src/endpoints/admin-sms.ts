/**
 * The admin's SMS relay inbox (admins only, decisions audited): every forwarded SMS with what
 * became of it, matching one under review to a payment intent or rejecting it, and the list of
 * mobile-money payments.
 */
import {
  adminPaymentListQuery,
  adminPaymentSchema,
  idParams,
  smsRelayCandidateIntentSchema,
  smsRelayCandidateQuery,
  smsRelayMatchInput,
  smsRelayMessageListQuery,
  smsRelayMessageSchema,
  smsRelayRejectInput,
} from "@sira/contracts";
import {
  candidateIntentsForMessage,
  listPayments,
  listRelayMessages,
  matchRelayMessageByAdmin,
  rejectRelayMessage,
} from "@sira/domain";
import type { CallerContext } from "../caller.ts";
import { endpoint } from "../definition/endpoint.ts";

const ADMIN = "/api/v1/admin";
const adminOf = (ctx: CallerContext) => ({ ...ctx.meta, actorId: ctx.viewer.userId });
const filters = (input: { status?: string | undefined; provider?: string | undefined }) => ({
  ...(input.status ? { status: input.status } : {}),
  ...(input.provider ? { provider: input.provider } : {}),
});

export const adminSmsEndpoints = {
  smsMessages: endpoint({
    method: "get",
    path: `${ADMIN}/sms-relay/messages`,
    auth: "admin",
    summary:
      "Every SMS the relay phone forwarded, newest first (?status=review for those awaiting a decision, ?provider=)",
    query: smsRelayMessageListQuery,
    output: smsRelayMessageSchema,
    shape: "page",
    handle: ({ ctx, input }) =>
      listRelayMessages(ctx.deps.db, { ...filters(input), page: input.page, limit: input.limit }),
  }),
  smsCandidates: endpoint({
    method: "get",
    path: `${ADMIN}/sms-relay/messages/{id}/intents`,
    auth: "admin",
    summary:
      "The payment intents a message may pay: same amount and currency, open or expired, newest first, with " +
      "the learner (?reference= narrows to a reference's start)",
    params: idParams,
    query: smsRelayCandidateQuery,
    output: smsRelayCandidateIntentSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input, now }) =>
      candidateIntentsForMessage(
        ctx.deps.db,
        input.id,
        { reference: input.reference, page: input.page, limit: input.limit },
        now,
      ),
  }),
  smsMatch: endpoint({
    method: "post",
    path: `${ADMIN}/sms-relay/messages/{id}/match`,
    auth: "admin",
    summary:
      "Deliver a payment intent with an SMS under review (the amounts must be equal; an expired intent may be " +
      "chosen): the learner gets the credits or the plan, and an email",
    params: idParams,
    body: smsRelayMatchInput,
    output: smsRelayMessageSchema,
    errors: ["NOT_FOUND", "CONFLICT", "SMS_RELAY_NOT_IN_REVIEW", "SMS_RELAY_AMOUNT_MISMATCH"],
    handle: ({ ctx, input }) => matchRelayMessageByAdmin(ctx.deps, input.id, input.intent_id, adminOf(ctx)),
  }),
  smsReject: endpoint({
    method: "post",
    path: `${ADMIN}/sms-relay/messages/{id}/reject`,
    auth: "admin",
    summary: "Set aside an SMS under review (or one that could not be read), with the reason",
    params: idParams,
    body: smsRelayRejectInput,
    output: smsRelayMessageSchema,
    errors: ["NOT_FOUND", "SMS_RELAY_NOT_IN_REVIEW"],
    handle: ({ ctx, input }) => rejectRelayMessage(ctx.deps.db, input.id, input.reason, adminOf(ctx)),
  }),
  payments: endpoint({
    method: "get",
    path: `${ADMIN}/payments`,
    auth: "admin",
    summary: "Mobile-money payments, newest first (?status=, ?provider=)",
    query: adminPaymentListQuery,
    output: adminPaymentSchema,
    shape: "page",
    handle: ({ ctx, input }) => listPayments(ctx.deps.db, { ...filters(input), page: input.page, limit: input.limit }),
  }),
};
