/**
 * The offline embedder: signed feature hashing of accent-folded words, word bigrams and character
 * 3-5-grams into 1536 dimensions, with sublinear term frequency and L2 normalisation. No model and
 * no network; similar wordings ("vaccination"/"vacciner", "santé"/"sante") land close together.
 */
import { EMBEDDING_DIMENSIONS } from "../rag/vector-literal.ts";
import { wordsOf } from "../text/normalize.ts";
import { STOP_WORDS } from "../text/stop-words.ts";
import type { Embedder } from "../types.ts";

export const HASHING_MODEL = "sira-hashing-v1";

// Function words still count, only much less than content words.
const WEIGHT = { word: 1, stopWord: 0.15, bigram: 0.6, charGram: 0.25 } as const;

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so every bit depends on every input bit. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function features(text: string): Map<string, { count: number; weight: number }> {
  const out = new Map<string, { count: number; weight: number }>();
  const add = (key: string, weight: number) => {
    const f = out.get(key);
    if (f) f.count += 1;
    else out.set(key, { count: 1, weight });
  };
  const words = wordsOf(text);
  words.forEach((word, i) => {
    const stop = STOP_WORDS.has(word);
    add(`w:${word}`, stop ? WEIGHT.stopWord : WEIGHT.word);
    const next = words[i + 1];
    if (next !== undefined && !stop && !STOP_WORDS.has(next)) add(`b:${word} ${next}`, WEIGHT.bigram);
    if (stop || word.length < 4) return;
    const padded = `<${word}>`;
    for (let n = 3; n <= 5; n++) {
      for (let start = 0; start + n <= padded.length; start++)
        add(`c:${padded.slice(start, start + n)}`, WEIGHT.charGram);
    }
  });
  return out;
}

/** The embedding of one text: deterministic, unit length. */
export function hashingVector(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  for (const [key, { count, weight }] of features(text)) {
    const h = hash32(key);
    const i = h % dimensions;
    vector[i] = (vector[i] ?? 0) + (h & 0x80000000 ? -1 : 1) * weight * (1 + Math.log(count));
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  if (norm === 0) {
    // No words at all: a fixed unit vector, so cosine distances stay defined.
    vector[0] = 1;
    norm = 1;
  }
  const scale = 1 / Math.sqrt(norm);
  return Array.from(vector, (v) => v * scale);
}

export class HashingEmbedder implements Embedder {
  readonly model = HASHING_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => hashingVector(t, this.dimensions)));
  }
}
