/**
 * Codes people read and type on a phone: payment references and activation codes. The alphabet
 * leaves out what is easily confused (0/O, 1/I/L, U/V), and the last character is a check
 * character (weighted sum mod 29, as ISO 7064 does), so one wrong or two swapped characters are
 * refused before any lookup. Input is forgiving: case, spaces and dashes do not matter.
 */
import { randomInt } from "node:crypto";

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";
const BASE = CODE_ALPHABET.length;

function checkCharOf(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += CODE_ALPHABET.indexOf(body[i] as string) * (body.length - i + 1);
  return CODE_ALPHABET[(BASE - (sum % BASE)) % BASE] as string;
}

/** A random code of `length` characters, the last one its check character. */
export function generateCheckedCode(length: number): string {
  let body = "";
  for (let i = 0; i < length - 1; i++) body += CODE_ALPHABET[randomInt(BASE)];
  return body + checkCharOf(body);
}

/** The code as stored: upper case, separators dropped (null when a character is not of the alphabet). */
export function normalizeCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]+/g, "");
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** Whether `code` (normalised) ends with the right check character. */
export function hasValidCheck(code: string): boolean {
  if (code.length < 2) return false;
  return checkCharOf(code.slice(0, -1)) === code.slice(-1);
}

/** "K7M4QXR2" → "K7M4-QXR2": groups of four for printing and reading aloud. */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join("-") ?? code;
}
