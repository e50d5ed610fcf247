/** Text normalisation shared by the chunker, the language detector and the hashing embedder. */

const LIGATURES: Record<string, string> = { œ: "oe", Œ: "OE", æ: "ae", Æ: "AE", ß: "ss" };

/** "Épidémiologie, cœur" → "Epidemiologie, coeur": like PostgreSQL's unaccent, so both sides fold alike. */
export function foldAccents(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Mn}+/gu, "")
    .replace(/[œŒæÆß]/g, (c) => LIGATURES[c] ?? c);
}

/** Accent-folded and lower-cased: the form used for matching. */
export function normalizeForMatch(text: string): string {
  return foldAccents(text).toLowerCase();
}

/** Runs of spaces and tabs become one space; line breaks are kept; the ends are trimmed. */
export function collapseSpaces(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}

/** The words of `text` (letters and digits), lower-cased and accent-folded. Elisions split: "l'eau" → l, eau. */
export function wordsOf(text: string): string[] {
  return normalizeForMatch(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
