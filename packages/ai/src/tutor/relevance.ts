/**
 * Whether a retrieved chunk really speaks to the learner's question. Vector scores alone let an
 * off-topic question ("who won the World Cup?") through with the nearest chunks of the course, so a
 * chunk is kept when its vector score clears a floor or when it shares enough of the question's words.
 */
import { contentWords } from "../generation/offline/text.ts";
import type { RetrievedChunk } from "../types.ts";

/** Words that shape a question without saying what it is about. */
const QUESTION_WORDS = new Set(
  (
    "comment pourquoi quel quelle quels quelles combien quoi est-ce explique expliquer explique-moi expliquez " +
    "signifie signifier veut dire definition definir donne donner exemple moi toi peux pouvez stp svp merci " +
    "comprends comprend compris perdu perdue arrive bloque aide aider " +
    "how why what which explain means mean meaning define definition give example please tell thanks " +
    "understand stuck lost confused help"
  ).split(" "),
);

/** Shortest shared prefix for two different words to count as one ("demande" ~ "demandée"). */
const STEM_PREFIX = 5;

/** Content words of a question, without the question's own scaffolding ("comment", "explain"). */
export function questionWords(question: string): string[] {
  return [...new Set(contentWords(question).filter((w) => !QUESTION_WORDS.has(w)))];
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a[i] === b[i]) i += 1;
  return i;
}

/** Same folded word, or two words sharing a prefix of at least five letters. */
export function sameStem(a: string, b: string): boolean {
  return a === b || commonPrefixLength(a, b) >= STEM_PREFIX;
}

/** Whether `word` (folded) matches one of `words` by stem. */
export function hasStem(words: Iterable<string>, word: string): boolean {
  for (const w of words) if (sameStem(w, word)) return true;
  return false;
}

/** The question's content words found, by stem, in `text`. */
function sharedWords(question: string, text: string): { found: number; wanted: number } {
  const wanted = questionWords(question);
  const present = new Set(contentWords(text));
  const found = wanted.filter((w) => present.has(w) || hasStem(present, w)).length;
  return { found, wanted: wanted.length };
}

/** The share (0..1) of the question's content words found, by stem, in `text`. */
export function lexicalOverlap(question: string, text: string): number {
  const { found, wanted } = sharedWords(question, text);
  return wanted ? found / wanted : 0;
}

/** A chunk sharing a third of the question's content words is on the question's topic… */
export const LEXICAL_FLOOR = 0.34;
/**
 * …and so is one sharing this many of them, however long the question: learners wrap a question
 * in talk about themselves ("je révise pour mon devoir de la semaine") that no course mentions.
 */
export const LEXICAL_MIN_SHARED = 3;

export interface RelevanceOptions {
  vectorFloor: number;
  lexicalFloor: number;
  /** Shared content words that make a chunk relevant whatever their share (default LEXICAL_MIN_SHARED). */
  minSharedWords?: number;
}

/** The chunks close enough to the question by vector score or by shared words, in input order. */
export function relevantChunks(
  question: string,
  chunks: RetrievedChunk[],
  options: RelevanceOptions,
): RetrievedChunk[] {
  const minShared = options.minSharedWords ?? LEXICAL_MIN_SHARED;
  return chunks.filter((chunk) => {
    if (chunk.score >= options.vectorFloor) return true;
    const { found, wanted } = sharedWords(question, chunk.text);
    return found >= minShared || (wanted > 0 && found / wanted >= options.lexicalFloor);
  });
}
