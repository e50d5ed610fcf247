/** Small cryptographic helpers: random tokens, keyed hashes, constant-time checks, sealed secrets. */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AuthKeys } from "./keys.ts";

/** A high-entropy, URL-safe secret (256 bits by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** How opaque tokens (refresh, magic link) are stored: they are already high-entropy. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The refresh token that replaces `predecessor` as row `successorId`: an HMAC, so a retry of the
 * same predecessor can be given the same successor again without storing it (decision 0029).
 */
export function successorToken(key: Buffer, predecessor: string, successorId: string): string {
  return createHmac("sha256", key).update(`sira-refresh-successor\0${successorId}\0${predecessor}`).digest("base64url");
}

/** A keyed hash for low-entropy secrets (backup codes): a leaked table alone cannot test guesses. */
export function pepperedHash(pepper: Buffer, value: string): string {
  return createHmac("sha256", pepper).update(value).digest("hex");
}

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SealedSecret {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  tag: Uint8Array<ArrayBuffer>;
  keyVersion: number;
}

const bytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/** AES-256-GCM with the current key version; the user id is bound as associated data. */
export function sealSecret(keys: AuthKeys, plaintext: string, userId: string): SealedSecret {
  const key = keys.totpKeys.get(keys.currentTotpVersion) as Buffer;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(userId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    ciphertext: bytes(ciphertext),
    iv: bytes(iv),
    tag: bytes(cipher.getAuthTag()),
    keyVersion: keys.currentTotpVersion,
  };
}

/** Opens a sealed secret with whichever key version sealed it. */
export function openSecret(keys: AuthKeys, sealed: SealedSecret, userId: string): string {
  const key = keys.totpKeys.get(sealed.keyVersion);
  if (!key) throw new Error(`TOTP key version ${sealed.keyVersion} is not configured`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv));
  decipher.setAAD(Buffer.from(userId));
  decipher.setAuthTag(Buffer.from(sealed.tag));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]).toString("utf8");
}
