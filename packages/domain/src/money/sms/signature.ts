/**
 * The relay phone signs every post: `X-Relay-Signature` is the hex HMAC-SHA256, under the shared
 * secret, of `${X-Relay-Timestamp}.${raw body}`; the timestamp is unix seconds and must be within
 * five minutes of the server's clock, so a captured request cannot be replayed later.
 * `X-Relay-Device` names the phone (messages are deduplicated per device).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@sira/contracts";

export const RELAY_DEVICE_HEADER = "x-relay-device";
export const RELAY_TIMESTAMP_HEADER = "x-relay-timestamp";
export const RELAY_SIGNATURE_HEADER = "x-relay-signature";

/** How far the phone's clock may be from the server's. */
export const RELAY_CLOCK_TOLERANCE_SECONDS = 300;

const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-f]{64}$/i;

/** The hex signature of a body sent at `timestamp` (unix seconds, as sent in the header). */
export function signRelayBody(secret: string, timestamp: string, rawBody: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
}

export interface RelayHeaders {
  device: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * The device id of a correctly signed, fresh request; throws SMS_RELAY_TIMESTAMP_INVALID or
 * SMS_RELAY_SIGNATURE_INVALID (401) otherwise. The comparison takes the same time whatever differs.
 */
export function verifyRelaySignature(secret: string, headers: RelayHeaders, rawBody: string, now: Date): string {
  const { device, timestamp, signature } = headers;
  if (!timestamp || !TIMESTAMP.test(timestamp)) throw new AppError("SMS_RELAY_TIMESTAMP_INVALID");
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > RELAY_CLOCK_TOLERANCE_SECONDS) {
    throw new AppError("SMS_RELAY_TIMESTAMP_INVALID");
  }
  if (!device || !DEVICE_ID.test(device) || !signature || !SIGNATURE.test(signature)) {
    throw new AppError("SMS_RELAY_SIGNATURE_INVALID");
  }
  const expected = Buffer.from(signRelayBody(secret, timestamp, rawBody), "hex");
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("SMS_RELAY_SIGNATURE_INVALID");
  }
  return device;
}
