/**
 * Bounds on what one document may cost to read (decision 0030). Documents come from admins and
 * experts but are still untrusted: a small file must not expand into gigabytes of text or pixels.
 */
import { AppError } from "@sira/contracts/errors";
import { clipText } from "@sira/contracts/text";

/** Characters of extracted text kept for one document (about 5,000 dense pages). */
export const MAX_TEXT_CHARS = 10_000_000;
/** Longer lines are cut (at a space when there is one) into lines of at most this length. */
export const MAX_LINE_CHARS = 10_000;
/** Outline entries kept, and characters kept of each title. */
export const MAX_OUTLINE_ENTRIES = 2_000;
export const MAX_TITLE_CHARS = 300;
/** A CSV column name repeated on each row is cut to this length. */
export const CSV_MAX_LABEL_CHARS = 48;
/** Pixels of one embedded image that pdf.js decodes and sharp reads (a 5,000 × 5,000 picture). */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** DOCX (zip) bounds, checked from the central directory and then by inflating with a cap. */
export const ZIP_LIMITS = {
  maxEntries: 5_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 128 * 1024 * 1024,
  /** Uncompressed / compressed, for entries past `ratioFromBytes` (XML compresses 5-30×). */
  maxRatio: 200,
  ratioFromBytes: 1024 * 1024,
} as const;

export function textTooLong(): AppError {
  const millions = MAX_TEXT_CHARS / 1_000_000;
  return new AppError("FILE_TEXT_TOO_LONG", {
    fieldErrors: [{ field: "file", code: "text_too_long", message: `more than ${MAX_TEXT_CHARS} characters of text` }],
    details: {
      en: `The document holds more than ${millions} million characters of text. Split it into several files.`,
      fr: `Le document contient plus de ${millions} millions de caractères de texte. Découpez-le en plusieurs fichiers.`,
    },
  });
}

/** Counts extracted characters as they are produced, and stops the extraction past the cap. */
export class TextBudget {
  private used = 0;

  /** Adds `chars`; FILE_TEXT_TOO_LONG once the total passes MAX_TEXT_CHARS. */
  spend(chars: number): void {
    this.used += chars;
    if (this.used > MAX_TEXT_CHARS) throw textTooLong();
  }
}

/** `text` with every line longer than MAX_LINE_CHARS cut into shorter lines, in linear time. */
export function capLineLength(text: string, max = MAX_LINE_CHARS): string {
  if (text.length <= max) return text;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    let rest = line;
    while (rest.length > max) {
      const space = rest.lastIndexOf(" ", max);
      const cut = space > max / 2 ? space : clipText(rest, max).length;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    out.push(rest);
  }
  return out.join("\n");
}
