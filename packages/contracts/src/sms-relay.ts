/**
 * The SMS relay: what the merchant phone's forwarding app posts for every SMS it receives, what
 * the API answers, and the admin's inbox of those messages and of the payments they confirmed.
 */
import { z } from "zod";
import { pageQuerySchema, requestInstantSchema } from "./common.ts";
import { providerSchema } from "./money.ts";

const iso = z.iso.datetime();

/** The longest SMS body stored: a concatenated SMS of a dozen parts fits. */
export const SMS_BODY_MAX_CHARS = 2000;

/** One forwarded SMS. The device's message id makes a resend the same message. */
export const smsRelayInboundInput = z.strictObject({
  message_id: z.string().trim().min(1).max(128),
  sender: z.string().trim().min(1).max(64),
  body: z.string().min(1).max(SMS_BODY_MAX_CHARS),
  received_at: requestInstantSchema({ offset: true }),
});
export type SmsRelayInboundInput = z.infer<typeof smsRelayInboundInput>;

/**
 * What became of a message: `matched` (the purchase is delivered), `review` (an admin decides),
 * `ignored` (not a payment confirmation, or a payment already recorded), `failed` (reads like a
 * payment but a part is missing or unreadable), `parsed` (read; matching did not finish),
 * `rejected` (by an admin).
 */
export const SMS_RELAY_STATUSES = ["received", "parsed", "matched", "review", "rejected", "ignored", "failed"] as const;
export const smsRelayStatusSchema = z.enum(SMS_RELAY_STATUSES);
export type SmsRelayStatus = z.infer<typeof smsRelayStatusSchema>;

export const smsRelayInboundResult = z.object({
  id: z.uuid(),
  status: smsRelayStatusSchema,
  /** True when this message had been received already: nothing was processed again. */
  duplicate: z.boolean(),
});

export const smsRelayMessageSchema = z.object({
  id: z.uuid(),
  device_id: z.string(),
  device_message_id: z.string().nullable(),
  sender: z.string(),
  body: z.string(),
  received_at: iso,
  provider: providerSchema.nullable(),
  parsed_amount: z.number().int().nullable(),
  parsed_currency: z.string().nullable(),
  parsed_reference: z.string().nullable(),
  parsed_transaction_id: z.string().nullable(),
  parsed_phone: z.string().nullable(),
  status: smsRelayStatusSchema,
  /** Why it was not matched (e.g. `no_intent`, `several_intents`, `amount_missing`) or the admin's reason. */
  error: z.string().nullable(),
  payment_id: z.uuid().nullable(),
  processed_at: iso.nullable(),
  created_at: iso,
});

export const smsRelayMessageListQuery = pageQuerySchema.extend({
  status: smsRelayStatusSchema.optional(),
  provider: providerSchema.optional(),
});

export const smsRelayMatchInput = z.strictObject({ intent_id: z.uuid() });
export const smsRelayRejectInput = z.strictObject({ reason: z.string().trim().min(3).max(500) });

export const PAYMENT_STATUSES = ["pending", "confirmed", "failed", "refunded"] as const;

/** A mobile-money payment as the admin sees it. */
export const adminPaymentSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid().nullable(),
  purpose: z.enum(["credits", "subscription"]),
  plan: z.string().nullable(),
  credit_package_id: z.uuid().nullable(),
  subscription_id: z.uuid().nullable(),
  provider: providerSchema,
  phone: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  operator_reference: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  sms_relay_message_id: z.uuid().nullable(),
  confirmed_at: iso.nullable(),
  created_at: iso,
});

export const adminPaymentListQuery = pageQuerySchema.extend({
  status: z.enum(PAYMENT_STATUSES).optional(),
  provider: providerSchema.optional(),
});

/** Filters the intents an admin may pay with a message: by the reference the learner quotes. */
export const smsRelayCandidateQuery = pageQuerySchema.extend({
  reference: z.string().trim().toUpperCase().min(1).max(12).optional(),
});

/**
 * An intent a message under review may pay: the same amount and currency, still open or expired
 * (the learner paid late), newest first, with the learner it is for.
 */
export const smsRelayCandidateIntentSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  purpose: z.enum(["credits", "subscription"]),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(["open", "expired"]),
  /** The number the learner said they pay from, when given. */
  phone: z.string().nullable(),
  /** Its last digits are the message's sender's. */
  phone_matches: z.boolean(),
  expires_at: iso,
  created_at: iso,
  learner: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
});
