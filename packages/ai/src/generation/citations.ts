/**
 * Citation markers `[n]` (or `[n, m]`) point at the 1-based position of a chunk in the retrieved
 * set. A number outside 1..n is dropped from its marker, and a marker left empty disappears; the
 * same rule runs on a stream (lessons) and on finished text, so both give the same result.
 */
import type { SourceRef } from "@sira/contracts";
import type { RetrievedChunk } from "../types.ts";

const MARKER = /^\[\d+(?:\s*,\s*\d+)*\]$/;
const MARKER_PREFIX = /^\[[\d\s,]*$/;
const MAX_MARKER_CHARS = 40;
const MARKERS_IN_TEXT = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

function rewriteMarker(marker: string, chunkCount: number): string {
  const numbers = marker
    .slice(1, -1)
    .split(",")
    .map((s) => Number(s.trim()));
  const kept = numbers.filter((k) => k >= 1 && k <= chunkCount);
  if (kept.length === numbers.length) return marker;
  return kept.length ? `[${kept.join(", ")}]` : "";
}

export interface CitationFilter {
  /** The part of `delta` that can be released now; a possible marker is held until it closes. */
  push(delta: string): string;
  /** Whatever is still held at the end of the stream. */
  flush(): string;
}

/** Drops out-of-range markers from streamed text without ever splitting a marker across outputs. */
export function createCitationFilter(chunkCount: number): CitationFilter {
  let pending = "";
  function feed(char: string): string {
    if (!pending) {
      if (char === "[") {
        pending = char;
        return "";
      }
      return char;
    }
    pending += char;
    if (char === "]" && MARKER.test(pending)) {
      const out = rewriteMarker(pending, chunkCount);
      pending = "";
      return out;
    }
    if (MARKER_PREFIX.test(pending) && pending.length < MAX_MARKER_CHARS) return "";
    // Not a marker: release it, but a trailing "[" may open the next one.
    const released = pending.slice(0, -1);
    pending = "";
    return released + feed(char);
  }
  return {
    push(delta) {
      let out = "";
      for (const char of delta) out += feed(char);
      return out;
    },
    flush() {
      const out = pending;
      pending = "";
      return out;
    },
  };
}

/** `text` with its out-of-range markers dropped. */
export function cleanCitations(text: string, chunkCount: number): string {
  const filter = createCitationFilter(chunkCount);
  return filter.push(text) + filter.flush();
}

/** The in-range chunk numbers cited in `text`, in first-cited order, without repeats. */
export function citedNumbers(text: string, chunkCount: number): number[] {
  const seen = new Set<number>();
  for (const match of text.matchAll(MARKERS_IN_TEXT)) {
    for (const part of (match[1] ?? "").split(",")) {
      const k = Number(part.trim());
      if (k >= 1 && k <= chunkCount) seen.add(k);
    }
  }
  return [...seen];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function outOfRangeSource(value: unknown, chunkCount: number): boolean {
  return isRecord(value) && typeof value.source === "number" && (value.source < 1 || value.source > chunkCount);
}

/**
 * JSON output with out-of-range markers dropped from every string and every array item whose
 * numeric `source` is out of range removed (a question or card without valid grounding is not kept).
 */
export function dropInvalidCitations(value: unknown, chunkCount: number): unknown {
  if (typeof value === "string") return cleanCitations(value, chunkCount);
  if (Array.isArray(value)) {
    return value.filter((item) => !outOfRangeSource(item, chunkCount)).map((v) => dropInvalidCitations(v, chunkCount));
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dropInvalidCitations(v, chunkCount)]));
  }
  return value;
}

/** Chunk numbers cited by JSON content (markers in strings and `source` fields), in document order. */
export function citedNumbersInJson(value: unknown, chunkCount: number): number[] {
  const seen = new Set<number>();
  const visit = (v: unknown, key: string | null): void => {
    if (typeof v === "string") for (const k of citedNumbers(v, chunkCount)) seen.add(k);
    else if (typeof v === "number" && key === "source" && Number.isInteger(v) && v >= 1 && v <= chunkCount) seen.add(v);
    else if (Array.isArray(v)) for (const item of v) visit(item, null);
    else if (isRecord(v)) for (const [k, item] of Object.entries(v)) visit(item, k);
  };
  visit(value, null);
  return [...seen];
}

/** The chunks behind 1-based numbers, as stored in `sources_cited`. */
export function toSourceRefs(numbers: number[], chunks: RetrievedChunk[]): SourceRef[] {
  const refs: SourceRef[] = [];
  for (const k of numbers) {
    const chunk = chunks[k - 1];
    if (!chunk) continue;
    refs.push({
      chunk_id: chunk.id,
      resource_id: chunk.resourceId,
      source: chunk.source,
      chapter: chunk.chapter,
      page: chunk.page,
    });
  }
  return refs;
}
