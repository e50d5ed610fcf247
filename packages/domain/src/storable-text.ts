/**
 * Text PostgreSQL cannot store: a NUL character (no text column takes it) or a lone UTF-16
 * surrogate (no jsonb column takes its escape). The API refuses it in URLs and JSON bodies; form
 * fields that skip that check (multipart uploads) use the same test and the same refusal.
 */
import { AppError, type Language } from "@sira/contracts";

/** A NUL or an unpaired surrogate in decoded text (with /u, a well-formed pair is one code point). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this refuses.
export const UNSTORABLE_CHAR = /[\u0000\ud800-\udfff]/u;

/** 400 VALIDATION_FAILED naming `field`, in the request's language. */
export function unstorableText(field: string, lang: Language): AppError {
  const message =
    lang === "fr"
      ? "Caractère interdit : NUL ou substitut UTF-16 isolé."
      : "Character not allowed: NUL or a lone UTF-16 surrogate.";
  return new AppError("VALIDATION_FAILED", { fieldErrors: [{ field, code: "invalid_characters", message }] });
}

/** Throws `unstorableText` for the first field of a form whose text cannot be stored. */
export function assertStorableFields(fields: Record<string, unknown>, lang: Language): void {
  const field = Object.entries(fields).find(([, value]) => typeof value === "string" && UNSTORABLE_CHAR.test(value));
  if (field) throw unstorableText(field[0], lang);
}
