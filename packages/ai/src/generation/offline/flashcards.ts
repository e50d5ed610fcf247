/**
 * Offline flashcards from definitional sentences. A French and an English definition of the same
 * term (same first five letters once accents are folded: "démocratie"/"democracy") make one
 * bilingual card; a definition found in one language only fills both sides and is listed as
 * untranslated. Examples come from the same chunk; a formula is an "A = B" expression near the term.
 */
import type { Flashcard } from "@sira/contracts";
import type { GenerationContext, RetrievedChunk } from "../../types.ts";
import { buildCorpus, byScore, type Corpus, type Sentence } from "./corpus.ts";
import { type Definition, definitionIn, termKey } from "./terms.ts";
import { capitalize, clip, fold, hasExampleMarker, hasNumber } from "./text.ts";

const FORMULA = /(?<![=<>])([\p{L}][\p{L}\p{N} _'’().×*/+-]{0,50}?\s=\s[^.;\n=]{1,80}?)(?=[.;\n]|\s\[|$)/u;

interface Found extends Definition {
  sentence: Sentence;
}

function sameConcept(a: string, b: string): boolean {
  const x = termKey(a);
  const y = termKey(b);
  return x === y || (x.length >= 5 && y.length >= 5 && x.slice(0, 5) === y.slice(0, 5));
}

function exampleFor(found: Found, corpus: Corpus): string {
  const term = fold(found.term);
  const sameChunk = corpus.sentences.filter((s) => s.chunk === found.sentence.chunk && s !== found.sentence);
  const mentions = sameChunk.filter((s) => fold(s.text).includes(term));
  const illustrative = (list: Sentence[]) => list.find((s) => hasNumber(s.text) || hasExampleMarker(s.text));
  return (illustrative(mentions) ?? mentions[0] ?? illustrative(sameChunk) ?? sameChunk[0] ?? found.sentence).text;
}

function formulaFor(found: Found, corpus: Corpus): string | null {
  const term = fold(found.term);
  const nearby = corpus.sentences.filter((s) => s.chunk === found.sentence.chunk);
  const ordered = [found.sentence, ...nearby.filter((s) => s !== found.sentence && fold(s.text).includes(term))];
  for (const s of ordered) {
    const match = FORMULA.exec(s.text);
    if (match?.[1]) return match[1].trim();
  }
  return null;
}

export interface OfflineFlashcards {
  cards: Flashcard[];
  /** 0-based positions of cards whose two definitions are the same untranslated text. */
  untranslated: number[];
  /** True when the text had no definitional sentence and cards were made from salient terms. */
  fromSalientTerms: boolean;
}

export function buildOfflineFlashcards(
  ctx: GenerationContext,
  chunks: RetrievedChunk[],
  options: { count: number; includeFormula: boolean },
): OfflineFlashcards {
  const corpus = buildCorpus(chunks, ctx);
  const ranked = [...corpus.sentences].sort(byScore);
  const found: Found[] = [];
  for (const sentence of ranked) {
    const d = definitionIn(sentence.text, sentence.language);
    if (d && !found.some((f) => f.sentence.language === sentence.language && termKey(f.term) === termKey(d.term)))
      found.push({ ...d, sentence });
  }
  const french = found.filter((f) => f.sentence.language === "fr");
  const english = found.filter((f) => f.sentence.language === "en");
  const pairedEnglish = new Set<Found>();
  const cards: Flashcard[] = [];
  const untranslated: number[] = [];

  const addCard = (fr: Found | undefined, en: Found | undefined) => {
    const main = fr ?? en;
    if (!main || cards.length >= options.count) return;
    const local = (ctx.language === "en" ? en : fr) ?? main;
    if (!fr || !en) untranslated.push(cards.length);
    cards.push({
      term_fr: clip(capitalize(main.term), 200),
      term_en: clip(capitalize((en ?? main).term), 200),
      definition_fr: capitalize((fr ?? main).definition),
      definition_en: capitalize((en ?? main).definition),
      example: exampleFor(local, corpus),
      formula: options.includeFormula ? (formulaFor(main, corpus) ?? (fr && en ? formulaFor(en, corpus) : null)) : null,
      source: main.sentence.chunk + 1,
      concept: clip(capitalize(main.term), 200),
    });
  };
  for (const fr of french) {
    const en = english.find((e) => !pairedEnglish.has(e) && sameConcept(fr.term, e.term));
    if (en) pairedEnglish.add(en);
    addCard(fr, en);
  }
  for (const en of english) if (!pairedEnglish.has(en)) addCard(undefined, en);
  if (cards.length) return { cards, untranslated, fromSalientTerms: false };

  // No definitions at all: the most salient terms, each with the best sentence that uses it.
  const seen = new Set<string>();
  for (const sentence of ranked) {
    if (cards.length >= Math.min(options.count, 10)) break;
    const word = [...new Set(sentence.words)]
      .filter((w) => w.length >= 5 && !/^\d/.test(w) && !seen.has(w))
      .sort((a, b) => corpus.weight(b) - corpus.weight(a) || a.localeCompare(b))[0];
    if (!word) continue;
    seen.add(word);
    const surface = sentence.text.match(/[\p{L}\p{N}]+/gu)?.find((t) => fold(t) === word) ?? word;
    untranslated.push(cards.length);
    cards.push({
      term_fr: clip(capitalize(surface), 200),
      term_en: clip(capitalize(surface), 200),
      definition_fr: sentence.text,
      definition_en: sentence.text,
      example: sentence.text,
      formula: options.includeFormula ? (FORMULA.exec(sentence.text)?.[1]?.trim() ?? null) : null,
      source: sentence.chunk + 1,
      concept: clip(capitalize(surface), 200),
    });
  }
  return { cards, untranslated, fromSalientTerms: true };
}
