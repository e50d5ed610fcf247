/** TOTP (RFC 6238) through otplib: 6 digits, 30 s steps, ±1 step, each step accepted once. */
import type { Enrolment } from "@sira/contracts";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";

export const TOTP_ISSUER = "Sira";
const STEP_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret(); // 20 random bytes, base32
}

/** What an authenticator app needs: the secret, its otpauth:// URI and that URI as a QR code. */
export async function totpEnrolment(email: string, secret: string): Promise<Enrolment["totp"]> {
  const otpauth_uri = generateURI({ issuer: TOTP_ISSUER, label: email, secret });
  const qr_svg = await QRCode.toString(otpauth_uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { secret, otpauth_uri, qr_svg };
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "invalid" | "reused" };

/**
 * Checks a code against the current step ±1. A code whose step is not after `lastUsedStep` is
 * refused as reused: each time step signs in once per user.
 */
export async function checkTotp(
  secret: string,
  code: string,
  lastUsedStep: number | null,
  now: Date,
): Promise<TotpCheck> {
  // otplib throws on anything but digits; a malformed code is simply a wrong one.
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: "invalid" };
  const epoch = Math.floor(now.getTime() / 1000);
  const result = await verify({ secret, token: code, epoch, epochTolerance: STEP_SECONDS });
  if (!result.valid) return { ok: false, reason: "invalid" };
  const step = Math.floor(epoch / STEP_SECONDS) + (result.delta ?? 0);
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: "reused" };
  return { ok: true, step };
}
