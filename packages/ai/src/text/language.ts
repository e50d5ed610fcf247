/**
 * French or English, decided by stop words, elisions and diacritics. Deterministic and cheap enough
 * to run on every chunk. A tie (or no evidence at all) gives French, the platform's first language.
 */
import type { Language } from "@sira/contracts";

// Only words that are frequent in one language and rare in the other (no "a", "on", "or", "son").
const FRENCH = new Set(
  (
    "le la les des du de un une et est sont dans pour par sur avec qui que quoi dont où au aux ce cette ces " +
    "il elle ils elles nous vous leur leurs se sa ses mais ou donc car ne pas plus très être avoir fait " +
    "comme entre chez sans sous aussi peut doit tout tous toutes été était sera selon lorsque quand"
  ).split(" "),
);
const ENGLISH = new Set(
  (
    "the of and is are was were be been to in for with that this these those which who what where when " +
    "it its they them their we our you your he she his her from by at but not no can should must will " +
    "would has have had do does did than then there here about into each also such"
  ).split(" "),
);

const FRENCH_ELISION = /\b(?:l|d|qu|n|s|j|c|m|t|jusqu|lorsqu)['’]\p{L}/giu;
const ENGLISH_CONTRACTION = /\p{L}['’](?:s|t|re|ve|ll|d)\b/giu;
const FRENCH_LETTERS = /[éèêëàâçùûîïôœ]/giu;

export function languageScores(text: string): { fr: number; en: number } {
  let fr = 0;
  let en = 0;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (FRENCH.has(word)) fr += 1;
    if (ENGLISH.has(word)) en += 1;
  }
  fr += (text.match(FRENCH_ELISION)?.length ?? 0) * 1.5;
  en += (text.match(ENGLISH_CONTRACTION)?.length ?? 0) * 1.5;
  // Accents are strong evidence for French, but names ("Côte d'Ivoire") appear in English too.
  fr += Math.min(text.match(FRENCH_LETTERS)?.length ?? 0, 1 + fr + en) * 0.5;
  return { fr, en };
}

export function detectLanguage(text: string): Language {
  const { fr, en } = languageScores(text);
  return en > fr ? "en" : "fr";
}
