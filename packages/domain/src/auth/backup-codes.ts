/** Ten single-use backup codes, shown once and stored only as keyed hashes. */
import { randomInt } from "node:crypto";
import { pepperedHash } from "./crypto.ts";

const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i: read aloud or copied by hand
export const BACKUP_CODE_COUNT = 10;

function randomChunk(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Fresh codes like `k7m2q-x9c4r` (about 49 bits each). */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => `${randomChunk(5)}-${randomChunk(5)}`);
}

/** The canonical form a code is hashed in: lower case, no dash or spaces. */
export function normaliseBackupCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export function hashBackupCode(pepper: Buffer, code: string): string {
  return pepperedHash(pepper, normaliseBackupCode(code));
}

export function isBackupCodeShape(code: string): boolean {
  return /^[a-z0-9]{10}$/.test(normaliseBackupCode(code)) && !/^\d{6}$/.test(code.trim());
}
