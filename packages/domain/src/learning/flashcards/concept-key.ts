/** The identity a flashcard and a quiz item share when they test the same concept of a module. */

const MAX_KEY_LENGTH = 120;

/**
 * The normalised concept key shared by quiz_items.concept_key and flashcards.concept_key
 * (accent-folded, lower-case, hyphenated slug of the concept or FR term).
 */
export function conceptKeyOf(concept: string): string {
  const slug = concept
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/œ/g, "oe")
    .replace(/Œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/Æ/g, "ae")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_KEY_LENGTH)
    .replace(/-+$/g, "");
  return slug || "concept";
}
