/**
 * Small text tools for the offline generator: sentence splitting, content words, a stable hash.
 * Everything here is deterministic: the same chunks always give the same lesson, quiz and cards.
 */
import { clipText, type Language } from "@sira/contracts";
import { detectLanguage } from "../../text/language.ts";

const STOP_WORDS = new Set(
  (
    "le la les l un une des du de d et ou est sont été être avoir a ont dans pour par sur avec sans sous qui que " +
    "quoi dont où au aux ce cet cette ces il elle ils elles on nous vous leur leurs se sa son ses mais donc car ne " +
    "pas plus moins très tout tous toute toutes aussi comme entre chez peut peuvent doit doivent fait faire selon " +
    "lorsque quand si en y qu c s n j m t même autre autres ainsi alors cela ceci celui celle ceux sont été était " +
    "the of and is are was were be been being to in for with that this these those which who whom what where when " +
    "it its they them their we our you your he she his her from by at but not no can could should must will would " +
    "has have had do does did than then there here about into each also such may might an a as or if so any all " +
    "more most other some only over very one two"
  )
    .split(" ")
    .map((w) => fold(w)),
);

export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Mn}+/gu, "")
    .toLowerCase();
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(fold(word));
}

/** Folded content words (no stop words, at least 3 letters); elisions split: "l'eau" → "eau". */
export function contentWords(text: string): string[] {
  return (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const ABBREVIATION_END = /(?:\b(?:M|Mme|Mlle|Dr|Pr|St|etc|ex|cf|vs|art|fig|p|pp|no|n°|av|apr|J\.-C|env)|\b\p{Lu})\.$/u;
const SENTENCE_BREAK = /(?<=[.!?…])\s+(?=[«"“(]?[\p{Lu}\p{N}])/u;

/** A line that is a heading or a list label rather than prose (short, no closing punctuation). */
function isHeadingLine(line: string): boolean {
  const t = line.trim();
  return t.length > 0 && t.length < 90 && !/[.!?:;,…»"”)]$/u.test(t);
}

/** Sentences of prose, in order; headings and short fragments are left out. */
export function splitSentences(text: string): string[] {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(paragraph.join(" "));
    paragraph = [];
  };
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  lines.forEach((line, i) => {
    const next = lines[i + 1]?.trim() ?? "";
    const previous = paragraph[paragraph.length - 1];
    const continues = previous !== undefined && !/[.!?…:»"”]$/u.test(previous);
    if (!line.trim()) flush();
    else if (isHeadingLine(line) && !continues && /^\P{Ll}/u.test(line.trim()) && !/^\p{Ll}/u.test(next)) {
      flush();
      blocks.push(line);
    } else paragraph.push(line.trim());
  });
  flush();
  const sentences: string[] = [];
  for (const block of blocks) {
    const parts = collapse(block).split(SENTENCE_BREAK);
    let carry = "";
    for (const part of parts) {
      const joined = carry ? `${carry} ${part}` : part;
      if (ABBREVIATION_END.test(joined)) carry = joined;
      else {
        sentences.push(joined);
        carry = "";
      }
    }
    if (carry) sentences.push(carry);
  }
  return sentences.filter(
    (s) => s.length >= 25 && s.length <= 600 && /[.!?…»"”)]$/u.test(s) && s.split(" ").length >= 4,
  );
}

export function sentenceLanguage(sentence: string, fallback: Language): Language {
  const words = sentence.split(/\s+/).length;
  return words >= 5 ? detectLanguage(sentence) : fallback;
}

/** FNV-1a: a stable 32-bit hash for deterministic choices (option order, tie-breaks). */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** At most `max` characters, cut at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = clipText(text, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/u, "")}…`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Without its final punctuation, to embed in another sentence or quote. */
export function stripFinalPunctuation(text: string): string {
  return text.replace(/[\s.!?…;:]+$/u, "");
}

const EXAMPLE_MARKERS =
  /\b(?:par exemple|exemple|à titre d['’]exemple|prenons|cas|for example|for instance|e\.g\.|such as|example|case)\b/iu;

export function hasExampleMarker(sentence: string): boolean {
  return EXAMPLE_MARKERS.test(sentence);
}

export function hasNumber(sentence: string): boolean {
  return /\d/.test(sentence);
}
