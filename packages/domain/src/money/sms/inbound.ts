/**
 * Every verified SMS the relay phone forwards is stored, payment or not, once: a hash of device,
 * sender, body and reception time makes a resend the same message, answered with the first one's
 * outcome. The device's message id alone does not: a reinstalled relay app counts from 1 again, so
 * an id seen before with other content is a new message (logged). A payment confirmation is read,
 * then settled (matching.ts); the learner is emailed after the commit.
 */
import { createHash } from "node:crypto";
import type { SmsRelayInboundInput, SmsRelayStatus } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Mailer } from "../../email/mailer.ts";
import { settleRelayMessage } from "./matching.ts";
import { notifyPaymentReceived } from "./notify.ts";
import { readOperatorSms, readsAsPayment, type SmsReading } from "./parsers/index.ts";

export interface RelayDeps {
  db: Db;
  mailer: Mailer;
  logger: Pick<Logger, "warn" | "info">;
}

export interface InboundOutcome {
  id: string;
  status: SmsRelayStatus;
  duplicate: boolean;
}

/** SHA-256 over what the phone reported, field by field (a separator no field can hold between them). */
export function relayDedupeHash(
  deviceId: string,
  input: Pick<SmsRelayInboundInput, "sender" | "body" | "received_at">,
) {
  const receivedAt = new Date(input.received_at).toISOString();
  return createHash("sha256").update([deviceId, input.sender, input.body, receivedAt].join("\u0000")).digest("hex");
}

/** The columns a reading fills, and the status it leaves the message in before matching. */
function readingColumns(reading: SmsReading) {
  if (reading.outcome === "payment") {
    const p = reading.payment;
    return {
      status: "parsed",
      provider: p.provider,
      parsedAmount: p.amount,
      parsedCurrency: p.currency,
      parsedReference: p.reference,
      parsedTransactionId: p.transactionId,
      parsedPhone: p.phone,
      error: null,
    };
  }
  return {
    status: reading.outcome === "unreadable" ? "failed" : "ignored",
    provider: reading.provider,
    error: reading.reason,
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/** The message already stored with this content from this device: a resend, whatever its id. */
async function findResent(db: Db, dedupeHash: string) {
  return db.smsRelayMessage.findUnique({ where: { dedupeHash }, select: { id: true, status: true } });
}

/** Logs what is worth an admin's eye in a new message: a reused device id, a sender no operator uses. */
async function logNewMessage(deps: RelayDeps, deviceId: string, input: SmsRelayInboundInput, reading: SmsReading) {
  const earlier = await deps.db.smsRelayMessage.findFirst({
    where: { deviceId, deviceMessageId: input.message_id },
    select: { id: true },
  });
  if (earlier) {
    deps.logger.warn(
      { device_id: deviceId, device_message_id: input.message_id, earlier_id: earlier.id },
      "relay message id already used with another content (app reinstalled?): stored as a new message",
    );
  }
  if (reading.outcome === "not_payment" && reading.reason === "unknown_sender") {
    // A sender id with a letter is a business's name; a number is a person's, kept out of the logs.
    const sender = /\p{L}/u.test(input.sender) ? input.sender : "(a phone number)";
    // A payment's text from a sender that is not an operator's: forged, or an operator id to add.
    if (readsAsPayment(input.body)) {
      deps.logger.warn({ device_id: deviceId, sender }, "relay SMS reads as a payment from an unknown sender: ignored");
    } else {
      deps.logger.info({ device_id: deviceId, sender }, "relay SMS from an unknown sender: ignored");
    }
  }
}

/**
 * Stores, reads and settles one forwarded SMS. A resend changes nothing, except that a message
 * left `parsed` (the database went away before it was settled) is settled now.
 */
export async function receiveRelayMessage(
  deps: RelayDeps,
  deviceId: string,
  input: SmsRelayInboundInput,
  now: Date,
): Promise<InboundOutcome> {
  const dedupeHash = relayDedupeHash(deviceId, input);
  let stored = await findResent(deps.db, dedupeHash);
  const duplicate = stored !== null;
  if (!stored) {
    const reading = readOperatorSms(input.sender, input.body);
    await logNewMessage(deps, deviceId, input, reading);
    try {
      stored = await deps.db.smsRelayMessage.create({
        data: {
          deviceId,
          deviceMessageId: input.message_id,
          sender: input.sender,
          body: input.body,
          receivedAt: new Date(input.received_at),
          hmacVerified: true,
          dedupeHash,
          ...readingColumns(reading),
          ...(reading.outcome === "payment" ? {} : { processedAt: now }),
        },
        select: { id: true, status: true },
      });
    } catch (error) {
      // The same message arriving twice at once: the other request stored it.
      if (!isUniqueViolation(error)) throw error;
      const raced = await findResent(deps.db, dedupeHash);
      if (!raced) throw error;
      return { id: raced.id, status: raced.status as SmsRelayStatus, duplicate: true };
    }
  }
  if (stored.status !== "parsed") return { id: stored.id, status: stored.status as SmsRelayStatus, duplicate };
  const messageId = stored.id;
  const settlement = await deps.db.$transaction((tx) => settleRelayMessage(tx, messageId, now));
  if (settlement.status === "matched") await notifyPaymentReceived(deps, settlement.fulfilment, settlement.payment);
  const status = settlement.status === "settled" ? settlement.current : settlement.status;
  return { id: messageId, status: status as SmsRelayStatus, duplicate };
}
