/**
 * Activation codes: batches an admin generates for printing (credits, a plan, a course or a
 * curriculum), revokes and lists, and the learner's redemption of one code.
 */
import { z } from "zod";
import { pageQuerySchema, requestInstantSchema } from "./common.ts";

const iso = z.iso.datetime();

export const ACTIVATION_CODE_KINDS = ["credits", "subscription", "course", "curriculum"] as const;
export const activationCodeKindSchema = z.enum(ACTIVATION_CODE_KINDS);
export type ActivationCodeKind = z.infer<typeof activationCodeKindSchema>;

/** Most codes one batch may hold. */
export const MAX_CODES_PER_BATCH = 5000;

/** The field each kind needs; the others must stay out. */
const TARGET_FIELD = {
  credits: "credits",
  subscription: "plan",
  course: "course_id",
  curriculum: "curriculum_id",
} as const;
const PLAN_ONLY = ["duration_days", "daily_message_limit"] as const;

export const activationCodeBatchInput = z
  .strictObject({
    kind: activationCodeKindSchema,
    credits: z.number().int().min(1).max(1_000_000).optional(),
    /** A subscription plan's slug. */
    plan: z.string().trim().min(1).max(100).optional(),
    /** Overrides the plan's duration for these codes. */
    duration_days: z.number().int().min(1).max(3660).optional(),
    /** Overrides the plan's tutor messages per day for these codes. */
    daily_message_limit: z.number().int().min(0).max(10_000).optional(),
    course_id: z.uuid().optional(),
    curriculum_id: z.uuid().optional(),
    count: z.number().int().min(1).max(MAX_CODES_PER_BATCH),
    /** How many learners may redeem each code (each learner once). */
    max_redemptions: z.number().int().min(1).max(100_000).default(1),
    expires_at: requestInstantSchema().optional(),
    label: z.string().trim().min(1).max(120),
  })
  .superRefine((value, ctx) => {
    for (const [kind, field] of Object.entries(TARGET_FIELD)) {
      const given = value[field] !== undefined;
      if (kind === value.kind && !given)
        ctx.addIssue({ code: "custom", path: [field], message: `required for ${kind}` });
      if (kind !== value.kind && given)
        ctx.addIssue({ code: "custom", path: [field], message: `not for ${value.kind}` });
    }
    for (const field of PLAN_ONLY) {
      if (value.kind !== "subscription" && value[field] !== undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: "only for subscription codes" });
      }
    }
  });
export type ActivationCodeBatchInput = z.infer<typeof activationCodeBatchInput>;

/** `?format=csv` answers the generated codes as a CSV file instead of JSON. */
export const activationCodeBatchFormatQuery = z.object({ format: z.enum(["json", "csv"]).default("json") });

export const activationCodeBatchParams = z.object({ batch_id: z.uuid() });

export const activationCodeBatchListQuery = pageQuerySchema;

export const activationCodeBatchSchema = z.object({
  batch_id: z.uuid(),
  label: z.string().nullable(),
  kind: activationCodeKindSchema,
  credits: z.number().int().nullable(),
  plan: z.string().nullable(),
  duration_days: z.number().int().nullable(),
  daily_message_limit: z.number().int().nullable(),
  course_id: z.uuid().nullable(),
  curriculum_id: z.uuid().nullable(),
  /** Codes in the batch. */
  count: z.number().int(),
  max_redemptions: z.number().int(),
  /** Redemptions over every code of the batch. */
  redeemed: z.number().int(),
  /** Codes redeemed at least once. */
  codes_used: z.number().int(),
  expires_at: iso.nullable(),
  revoked_at: iso.nullable(),
  created_at: iso,
  created_by: z.uuid().nullable(),
});
export type ActivationCodeBatch = z.infer<typeof activationCodeBatchSchema>;

/** A generated batch with its codes: the only time the codes are ever shown. */
export const generatedActivationCodesSchema = activationCodeBatchSchema.extend({
  codes: z.array(
    z.object({
      /** Grouped by four for printing ("K7M4-QXR2-9TBW"); case, spaces and dashes do not matter when typed. */
      code: z.string(),
      /** The last four characters, as admin lists and support show them. */
      hint: z.string(),
    }),
  ),
});
export type GeneratedActivationCodes = z.infer<typeof generatedActivationCodesSchema>;

export const redeemActivationCodeInput = z.strictObject({ code: z.string().trim().min(1).max(40) });

export const activationCodeRedemptionSchema = z.object({
  kind: activationCodeKindSchema,
  code_hint: z.string(),
  /** Credits added (credits codes), and the balance after. */
  credits: z.number().int().nullable(),
  balance: z.number().int().nullable(),
  /** The period of the plan added (subscription codes): now, or queued behind days held. */
  subscription: z
    .object({
      id: z.uuid(),
      plan: z.string(),
      starts_at: iso,
      expires_at: iso,
      daily_message_limit: z.number().int(),
      extended: z.boolean(),
    })
    .nullable(),
  /** The courses opened (course and curriculum codes): enrolling in them needs no purchase. */
  course_ids: z.array(z.uuid()),
  curriculum_id: z.uuid().nullable(),
});
export type ActivationCodeRedemption = z.infer<typeof activationCodeRedemptionSchema>;
