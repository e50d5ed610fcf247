/** The relay's signature: fresh, signed with the shared secret over timestamp and raw body, compared whole. */
import { describe, expect, it } from "vitest";
import { signRelayBody, verifyRelaySignature } from "../../../src/money/sms/index.ts";

const SECRET = "relay-secret-for-tests-0123456789";
const BODY = '{"message_id":"m1","sender":"Wave","body":"x","received_at":"2026-05-18T15:32:10Z"}';
const NOW = new Date("2026-05-18T15:33:00Z");
const ts = (date: Date) => String(Math.floor(date.getTime() / 1000));

function headers(timestamp = ts(NOW), body = BODY, secret = SECRET) {
  return { device: "relay-phone-1", timestamp, signature: signRelayBody(secret, timestamp, body) };
}

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "accepted";
};

describe("verifyRelaySignature", () => {
  it("accepts a body signed now with the secret and answers the device", () => {
    expect(verifyRelaySignature(SECRET, headers(), BODY, NOW)).toBe("relay-phone-1");
  });

  it("accepts a clock up to five minutes off either way, not more", () => {
    const at = (seconds: number) => ts(new Date(NOW.getTime() + seconds * 1000));
    expect(refusal(() => verifyRelaySignature(SECRET, headers(at(-300)), BODY, NOW))).toBe("accepted");
    expect(refusal(() => verifyRelaySignature(SECRET, headers(at(300)), BODY, NOW))).toBe("accepted");
    expect(refusal(() => verifyRelaySignature(SECRET, headers(at(-301)), BODY, NOW))).toBe(
      "SMS_RELAY_TIMESTAMP_INVALID",
    );
    expect(refusal(() => verifyRelaySignature(SECRET, headers(at(400)), BODY, NOW))).toBe(
      "SMS_RELAY_TIMESTAMP_INVALID",
    );
    expect(refusal(() => verifyRelaySignature(SECRET, headers("yesterday"), BODY, NOW))).toBe(
      "SMS_RELAY_TIMESTAMP_INVALID",
    );
  });

  it("refuses another secret, a changed body, another timestamp under the same signature, or no device", () => {
    expect(refusal(() => verifyRelaySignature(SECRET, headers(ts(NOW), BODY, "other"), BODY, NOW))).toBe(
      "SMS_RELAY_SIGNATURE_INVALID",
    );
    expect(refusal(() => verifyRelaySignature(SECRET, headers(), BODY.replace("m1", "m2"), NOW))).toBe(
      "SMS_RELAY_SIGNATURE_INVALID",
    );
    const moved = { ...headers(), timestamp: String(Number(ts(NOW)) - 1) };
    expect(refusal(() => verifyRelaySignature(SECRET, moved, BODY, NOW))).toBe("SMS_RELAY_SIGNATURE_INVALID");
    expect(refusal(() => verifyRelaySignature(SECRET, { ...headers(), device: undefined }, BODY, NOW))).toBe(
      "SMS_RELAY_SIGNATURE_INVALID",
    );
    expect(refusal(() => verifyRelaySignature(SECRET, { ...headers(), signature: "abc" }, BODY, NOW))).toBe(
      "SMS_RELAY_SIGNATURE_INVALID",
    );
  });
});
