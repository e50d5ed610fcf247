/**
 * Splits extracted pages into chunks for embedding: at most `maxTokens` cl100k tokens each, with
 * about `overlapTokens` of the previous chunk repeated at the start of the next one in the same
 * section. Chunks end between sentences (between words only for an over-long sentence), do not
 * straddle an outline heading, and prefer to end at a page break once they are half full.
 */
import { detectLanguage } from "../text/language.ts";
import { countTokens } from "../text/tokenizer.ts";
import type { ChunkOptions, PageText, TextChunk } from "../types.ts";
import { type Section, sectionsOf, splitToLimit, type Unit } from "./segments.ts";

export const DEFAULT_CHUNK_TOKENS = 512;
export const DEFAULT_OVERLAP_TOKENS = 64;
// Room for the separators between units, whose tokens are not in the units' own counts.
const SEPARATOR_SLACK = 4;

function joinUnits(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : `${u.paragraphStart ? "\n\n" : " "}${u.text}`)).join("");
}

/** The tail of `units` worth at most `budget` tokens: whole units, then the last words of the one before. */
function overlapOf(units: Unit[], budget: number): Unit[] {
  if (budget <= 0) return [];
  const tail: Unit[] = [];
  let used = 0;
  let i = units.length - 1;
  for (; i >= 0; i--) {
    const unit = units[i] as Unit;
    if (used + unit.tokens + 1 > budget) break;
    tail.unshift(unit);
    used += unit.tokens + 1;
  }
  const rest = budget - used;
  const partial = units[i];
  if (partial && (tail.length === 0 || rest >= 16)) {
    const words = partial.text.split(" ");
    let take = 0;
    while (take < words.length && countTokens(words.slice(words.length - take - 1).join(" ")) <= rest - 1) take++;
    if (take > 0) {
      const text = words.slice(words.length - take).join(" ");
      tail.unshift({ ...partial, text, tokens: countTokens(text), paragraphStart: false, pageStart: false });
    }
  }
  return tail;
}

function* packSection(section: Section, maxTokens: number, overlapTokens: number): Generator<Omit<TextChunk, "index">> {
  const { units } = section;
  let carried: Unit[] = [];
  let i = 0;
  while (i < units.length) {
    const fresh: Unit[] = [];
    let used = carried.reduce((sum, u) => sum + u.tokens + 1, 0);
    while (i < units.length) {
      const unit = units[i] as Unit;
      const full = used + unit.tokens + 1 > maxTokens - SEPARATOR_SLACK;
      const freshTokens = fresh.reduce((sum, u) => sum + u.tokens, 0);
      const pageBreak = unit.pageStart && freshTokens >= (maxTokens - overlapTokens) / 2;
      if (fresh.length > 0 && (full || pageBreak)) break;
      fresh.push(unit);
      used += unit.tokens + 1;
      i++;
    }
    let body = [...carried, ...fresh];
    let text = joinUnits(body);
    let tokenCount = countTokens(text);
    // The estimate rarely misses; when it does, give back fresh units, then the overlap.
    while (tokenCount > maxTokens && fresh.length > 1) {
      fresh.pop();
      i--;
      body = [...carried, ...fresh];
      text = joinUnits(body);
      tokenCount = countTokens(text);
    }
    while (tokenCount > maxTokens && carried.length > 0) {
      carried = carried.slice(1);
      body = [...carried, ...fresh];
      text = joinUnits(body);
      tokenCount = countTokens(text);
    }
    const first = fresh[0] as Unit;
    yield { text, tokenCount, page: first.page, chapter: section.chapter, language: detectLanguage(text) };
    carried = overlapOf(body, overlapTokens);
  }
}

/** Chunks of the document, indexed 0..n-1 in reading order. Deterministic for a given input. */
export function chunkDocument(pages: PageText[], options: ChunkOptions = {}): TextChunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNK_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 16) throw new RangeError("maxTokens must be an integer >= 16");
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens * 2 > maxTokens) {
    throw new RangeError("overlapTokens must be an integer between 0 and maxTokens / 2");
  }
  // A unit plus a full overlap always fits, so every chunk after the first can carry its overlap.
  const unitLimit = maxTokens - overlapTokens - SEPARATOR_SLACK - 2;
  const chunks: TextChunk[] = [];
  for (const section of sectionsOf(pages, options.outline ?? [], unitLimit, options.numberedHeadings ?? true)) {
    for (const chunk of packSection(section, maxTokens, overlapTokens)) chunks.push({ index: chunks.length, ...chunk });
  }
  return chunks;
}

export { splitToLimit };
