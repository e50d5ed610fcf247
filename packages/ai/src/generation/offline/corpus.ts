/**
 * The retrieved chunks seen as sentences with TF-IDF weights: a sentence scores by the weight of
 * its content words (words frequent in these chunks but not everywhere), by its chunk's retrieval
 * rank and by its overlap with the unit's title and objectives.
 */
import type { Language } from "@sira/contracts";
import type { GenerationContext, RetrievedChunk } from "../../types.ts";
import { clip, collapse, contentWords, sentenceLanguage, splitSentences } from "./text.ts";

export interface Sentence {
  text: string;
  /** 0-based position of its chunk in the retrieved set (its citation number is chunk + 1). */
  chunk: number;
  /** Position inside its chunk. */
  position: number;
  language: Language;
  words: string[];
  score: number;
}

export interface Corpus {
  chunks: RetrievedChunk[];
  sentences: Sentence[];
  /** How many sentences contain each folded word. */
  documentFrequency: Map<string, number>;
  weight(word: string): number;
}

export function buildCorpus(
  chunks: RetrievedChunk[],
  ctx?: Pick<GenerationContext, "unitTitle" | "moduleTitle" | "objectives">,
): Corpus {
  const sentences: Sentence[] = [];
  chunks.forEach((chunk, c) => {
    const split = splitSentences(chunk.text);
    // A chunk of lists or headings only still counts, as one clipped piece of text.
    const pieces = split.length ? split : [clip(collapse(chunk.text), 400)].filter((t) => t.length >= 3);
    pieces.forEach((text, position) => {
      sentences.push({
        text,
        chunk: c,
        position,
        language: sentenceLanguage(text, chunk.language),
        words: contentWords(text),
        score: 0,
      });
    });
  });
  const documentFrequency = new Map<string, number>();
  const termFrequency = new Map<string, number>();
  for (const s of sentences) {
    for (const w of s.words) termFrequency.set(w, (termFrequency.get(w) ?? 0) + 1);
    for (const w of new Set(s.words)) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  }
  const total = Math.max(1, sentences.length);
  const weight = (word: string): number => {
    const df = documentFrequency.get(word) ?? 0;
    if (!df) return 0;
    return Math.log(1 + (termFrequency.get(word) ?? 0)) * Math.log(1 + total / df);
  };
  const focus = new Set(
    contentWords([ctx?.unitTitle ?? "", ctx?.moduleTitle ?? "", ...(ctx?.objectives ?? [])].join(" ")),
  );
  for (const s of sentences) {
    const unique = [...new Set(s.words)];
    const base = unique.reduce((sum, w) => sum + weight(w), 0) / Math.sqrt(Math.max(4, s.words.length));
    const onFocus = unique.filter((w) => focus.has(w)).length;
    const rank = 1 - (0.3 * s.chunk) / Math.max(1, chunks.length);
    const lead = s.position === 0 ? 1.1 : 1;
    const length = s.text.length > 350 ? 0.7 : 1;
    s.score = base * rank * lead * length * (1 + 0.25 * onFocus);
  }
  return { chunks, sentences, documentFrequency, weight };
}

/** Best first; ties broken by reading order so the ranking never depends on sort stability. */
export function byScore(a: Sentence, b: Sentence): number {
  return b.score - a.score || a.chunk - b.chunk || a.position - b.position;
}

export function byReadingOrder(a: Sentence, b: Sentence): number {
  return a.chunk - b.chunk || a.position - b.position;
}

/** Best first, sentences in `language` before the others (used only when the first run out). */
export function rankedFor(sentences: Sentence[], language: Language): Sentence[] {
  const matching = sentences.filter((s) => s.language === language).sort(byScore);
  const others = sentences.filter((s) => s.language !== language).sort(byScore);
  return [...matching, ...others];
}

export function cite(sentence: Sentence): string {
  return `${sentence.text} [${sentence.chunk + 1}]`;
}
