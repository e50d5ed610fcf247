/** A learner redeems an activation code: credits, a plan, or access to a course or curriculum. */
import { activationCodeRedemptionSchema, redeemActivationCodeInput } from "@sira/contracts";
import { authKeys, redeemActivationCode } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

export const activationCodeEndpoints = {
  redeem: endpoint({
    method: "post",
    path: "/api/v1/activation-codes/redeem",
    auth: "learner",
    summary:
      "Redeem an activation code (case, spaces and dashes do not matter): credits are added, a plan's period " +
      "starts (or is queued behind days held), a course opens and the caller is enrolled in it, or a curriculum's " +
      "courses open (enrolling needs no purchase then). A course code whose course is not open to the caller " +
      "is 409 COURSE_NOT_OPEN and stays unused. A mistyped code is 400 ACTIVATION_CODE_INVALID, checked before " +
      "any lookup; an unknown, expired, revoked or used-up code is one answer, 404 ACTIVATION_CODE_NOT_REDEEMABLE; " +
      "a code the caller already used is 409; refused codes grow delays per account, and per account and " +
      "network (429 ACTIVATION_CODE_THROTTLED with Retry-After)",
    body: redeemActivationCodeInput,
    output: activationCodeRedemptionSchema,
    errors: [
      "ACTIVATION_CODE_INVALID",
      "ACTIVATION_CODE_NOT_REDEEMABLE",
      "ACTIVATION_CODE_ALREADY_REDEEMED",
      "ACTIVATION_CODE_THROTTLED",
      "COURSE_NOT_OPEN",
    ],
    handle: ({ ctx, input }) =>
      redeemActivationCode(
        {
          db: ctx.deps.db,
          pepper: authKeys(ctx.deps.config).pepper,
          redis: ctx.deps.redis,
          logger: ctx.deps.logger,
          usage: ctx.deps.usage,
        },
        ctx.viewer.userId,
        input.code,
        ctx.meta,
      ),
  }),
};
