/**
 * Extractive summaries by TextRank (Mihalcea and Tarau, 2004). A document's body sentences are the
 * nodes of a graph; two sentences are linked by the content words they share, normalised by the
 * logs of their lengths; PageRank over that graph finds the sentences the rest of the document
 * keeps coming back to. The summary is the best-ranked sentences in reading order: the document's
 * own words, in its own language. Deterministic, and bounded: at most TEXTRANK_MAX_SENTENCES
 * sentences, spread over the whole document, are compared.
 */
import type { Language } from "@sira/contracts";
import { detectLanguage } from "./language.ts";
import { foldAccents } from "./normalize.ts";
import { STOP_WORDS_BY_LANGUAGE } from "./stop-words.ts";

/** A document summary's length at most, in characters (offline, and asked of Claude). */
export const SUMMARY_MAX_CHARS = 1_200;

/** Sentences compared at most: the graph costs their square. */
export const TEXTRANK_MAX_SENTENCES = 400;

const DAMPING = 0.85;
const MAX_ITERATIONS = 100;
const CONVERGED = 1e-7;
const MIN_SENTENCE_CHARS = 40;
const MAX_SENTENCE_CHARS = 600;
const MIN_WORDS = 6;
/** Sharing this share of the smaller sentence's words makes a sentence a repeat of another. */
const REPEAT_OVERLAP = 0.8;

export interface TextRankOptions {
  /** The summary's length at most, in characters. */
  maxChars: number;
  /** The document's language when known; otherwise the language most of its sentences are in. */
  language?: Language;
  /** Lines that are not body text beyond those recognised here (e.g. the outline's titles). */
  skipLine?: (line: string) => boolean;
  /** Sentences compared at most (TEXTRANK_MAX_SENTENCES by default). */
  maxSentences?: number;
}

export interface TextRankSummary {
  /** The chosen sentences in reading order, separated by spaces; empty when none qualified. */
  text: string;
  language: Language;
  /** The chosen sentences, in reading order. */
  sentences: string[];
}

const FENCE = /^\s{0,3}(?:```|~~~)/;
const ATX_HEADING = /^\s{0,3}#{1,6}(?:\s|$)/;
const LIST_ITEM = /^\s*(?:[-*+•▪◦–]|\(?\d{1,3}[.)])\s/u;
const TABLE_ROW = /^\s*\||\s\|\s/;
const INDENTED_CODE = /^(?: {4}|\t)/;
const CAPTION = /^\s*(?:fig(?:ure)?|table(?:au)?|listing|sch[ée]ma|graphique|photo)\.?\s*\d/iu;
const ENDS_SENTENCE = /[.!?…]["'»”’)\]]*$/u;
const SENTENCE_BREAK = /(?<=[.!?…]["'»”’)\]]*)\s+(?=["«“(]?[\p{Lu}\p{N}])/u;
const ABBREVIATION_END =
  /(?:\b(?:M|Mme|Mlle|Mr|Mrs|Ms|Dr|Pr|Prof|St|etc|ex|cf|vs|al|art|fig|Fig|p|pp|no|n°|vol|éd|ed|e\.g|i\.e)|\b\p{Lu})\.$/u;
const EMAIL = /\S@\S+\.\p{L}/u;

/** A short line with no closing punctuation alone above a capitalised line: a title, not prose. */
function looksLikeTitle(line: string, next: string | undefined): boolean {
  const t = line.trim();
  return t.length < 80 && !/[.!?…:;,]["'»”’)\]]*$/u.test(t) && next !== undefined && /^\s*\p{Lu}/u.test(next);
}

/** The prose paragraphs of a text: no headings, list items, code, table rows or captions. */
function bodyParagraphs(text: string, skipLine?: (line: string) => boolean): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) paragraphs.push(current.join(" "));
    current = [];
  };
  const lines = text.replace(/\r\n?/g, "\n").split(/\n|\f/);
  let fenced = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (FENCE.test(line)) {
      fenced = !fenced;
      flush();
      continue;
    }
    const structural =
      fenced ||
      !line.trim() ||
      ATX_HEADING.test(line) ||
      LIST_ITEM.test(line) ||
      TABLE_ROW.test(line) ||
      INDENTED_CODE.test(line) ||
      CAPTION.test(line) ||
      (current.length === 0 && looksLikeTitle(line, lines[i + 1])) ||
      skipLine?.(line) === true;
    if (structural) flush();
    else current.push(line.trim());
  }
  flush();
  return paragraphs;
}

function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  let carry = "";
  for (const part of paragraph.replace(/\s+/g, " ").trim().split(SENTENCE_BREAK)) {
    const joined = carry ? `${carry} ${part}` : part;
    if (ABBREVIATION_END.test(joined)) carry = joined;
    else {
      sentences.push(joined);
      carry = "";
    }
  }
  if (carry) sentences.push(carry);
  return sentences;
}

/** Prose worth quoting: a whole sentence of ordinary words, not a title or an author line. */
function isBodySentence(sentence: string): boolean {
  if (sentence.length < MIN_SENTENCE_CHARS || sentence.length > MAX_SENTENCE_CHARS) return false;
  if (!ENDS_SENTENCE.test(sentence) || EMAIL.test(sentence)) return false;
  const words = sentence.split(" ").filter((w) => /\p{L}{2,}/u.test(w));
  if (words.length < MIN_WORDS) return false;
  const letters = sentence.match(/\p{L}/gu)?.length ?? 0;
  if (letters / sentence.length < 0.6) return false;
  const capitalised = words.filter((w) => /^["'«“(]?\p{Lu}/u.test(w)).length;
  return capitalised / words.length <= 0.6;
}

/** The document's body sentences in reading order, each once. */
export function bodySentences(text: string, skipLine?: (line: string) => boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const paragraph of bodyParagraphs(text, skipLine)) {
    for (const sentence of splitSentences(paragraph)) {
      if (!isBodySentence(sentence)) continue;
      const key = foldAccents(sentence).toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(sentence);
    }
  }
  return out;
}

/** Folded content words: the language's stop words and bare numbers left out, a plural "s" dropped. */
export function contentWords(sentence: string, language: Language): string[] {
  const stop = STOP_WORDS_BY_LANGUAGE[language];
  const words: string[] = [];
  for (const word of foldAccents(sentence)
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word.length < 2 || stop.has(word) || !/\p{L}/u.test(word)) continue;
    words.push(word.length > 4 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word);
  }
  return words;
}

interface Node {
  /** Sorted ids of the sentence's distinct content words. */
  ids: Int32Array;
  /** How many content words the sentence has. */
  length: number;
}

function nodesOf(sentences: string[], languages: Language[]): Node[] {
  const vocabulary = new Map<string, number>();
  return sentences.map((sentence, i) => {
    const words = contentWords(sentence, languages[i] ?? "fr");
    const ids = new Set<number>();
    for (const word of words) {
      let id = vocabulary.get(word);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(word, id);
      }
      ids.add(id);
    }
    return { ids: Int32Array.from(ids).sort(), length: words.length };
  });
}

function shared(a: Int32Array, b: Int32Array): number {
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      count += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return count;
}

/**
 * PageRank over the sentence-similarity graph: one score per node, higher is more central, and
 * whether the node shares a word with any other.
 */
function rank(nodes: Node[]): { scores: Float64Array; linked: boolean[] } {
  const n = nodes.length;
  const weights = new Float64Array(n * n);
  const outgoing = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const a = nodes[i] as Node;
      const b = nodes[j] as Node;
      const common = shared(a.ids, b.ids);
      if (!common) continue;
      // log(1 + length): a one-word sentence does not divide by zero.
      const w = common / (Math.log1p(a.length) + Math.log1p(b.length));
      weights[i * n + j] = w;
      weights[j * n + i] = w;
      outgoing[i] = (outgoing[i] as number) + w;
      outgoing[j] = (outgoing[j] as number) + w;
    }
  }
  let scores = new Float64Array(n).fill(1);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration += 1) {
    const next = new Float64Array(n);
    let change = 0;
    for (let i = 0; i < n; i += 1) {
      let sum = 0;
      for (let j = 0; j < n; j += 1) {
        const w = weights[j * n + i] as number;
        if (w) sum += (w / (outgoing[j] as number)) * (scores[j] as number);
      }
      next[i] = 1 - DAMPING + DAMPING * sum;
      change = Math.max(change, Math.abs((next[i] as number) - (scores[i] as number)));
    }
    scores = next;
    if (change < CONVERGED) break;
  }
  return { scores, linked: Array.from(outgoing, (w) => w > 0) };
}

/** TextRank scores of `sentences`, each read with its language's stop words. */
export function textRankScores(sentences: string[], languages: Language[] | Language): number[] {
  const perSentence = Array.isArray(languages) ? languages : sentences.map(() => languages);
  return Array.from(rank(nodesOf(sentences, perSentence)).scores);
}

/** At most `max` items spread evenly over `items`, in order. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, k) => items[Math.floor((k * items.length) / max)] as T);
}

/** The language most sentences are in; on a tie, the language of them all together. */
function majorityLanguage(sentences: string[], languages: Language[]): Language {
  const french = languages.filter((l) => l === "fr").length;
  if (french * 2 === languages.length) return detectLanguage(sentences.join(" "));
  return french * 2 > languages.length ? "fr" : "en";
}

/**
 * A summary of `text` made of its own best-ranked sentences, in reading order, within
 * `maxChars`. Sentences in another language than the document's are left out when the document
 * has enough of its own.
 */
export function summarizeText(text: string, options: TextRankOptions): TextRankSummary {
  const all = bodySentences(text, options.skipLine);
  const languages = all.map((s) => detectLanguage(s));
  const language = options.language ?? majorityLanguage(all, languages);
  const inLanguage = languages.flatMap((l, i) => (l === language ? [i] : []));
  const kept = spread(
    inLanguage.length >= 2 ? inLanguage : all.map((_, i) => i),
    options.maxSentences ?? TEXTRANK_MAX_SENTENCES,
  );
  const sentences = kept.map((i) => all[i] as string);
  const nodes = nodesOf(
    sentences,
    kept.map((i) => languages[i] ?? language),
  );
  const { scores, linked } = rank(nodes);
  // A sentence sharing no word with any other (a notice, a stray line) is off the document's subject.
  const anyLinked = linked.some(Boolean);
  const order = sentences
    .map((_, i) => i)
    .filter((i) => !anyLinked || linked[i])
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const chosen: number[] = [];
  let used = 0;
  for (const i of order) {
    const sentence = sentences[i] as string;
    const cost = sentence.length + (chosen.length ? 1 : 0);
    if (used + cost > options.maxChars) continue;
    const node = nodes[i] as Node;
    const repeats = chosen.some((j) => {
      const other = nodes[j] as Node;
      const smaller = Math.min(node.ids.length, other.ids.length);
      return smaller > 0 && shared(node.ids, other.ids) / smaller >= REPEAT_OVERLAP;
    });
    if (repeats) continue;
    chosen.push(i);
    used += cost;
    if (options.maxChars - used < MIN_SENTENCE_CHARS) break;
  }
  const picked = chosen.sort((a, b) => a - b).map((i) => sentences[i] as string);
  return { text: picked.join(" "), language, sentences: picked };
}
