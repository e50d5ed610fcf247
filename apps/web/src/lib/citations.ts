/**
 * Citation markers `[n]` and the sources they point to. A lesson's `sources_cited` is stored in
 * first-cited order, so the markers met in its text number them (as the API's lesson stream
 * does); the stream's `citation` event says it directly: `{docs, refs: [{n, doc, page}]}`.
 */
export interface CiteRef {
  n: number;
  source: string;
  page: number | null;
}

const MARKERS = /\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g;

function citedNumbers(text: string): number[] {
  const seen = new Set<number>();
  for (const match of text.matchAll(MARKERS)) {
    for (const part of (match[1] ?? "").split(",")) seen.add(Number(part.trim()));
  }
  return [...seen];
}

export function refsFromSources(sources: { source: string; page: number | null }[], text: string): CiteRef[] {
  const numbers = citedNumbers(text);
  return sources.map((s, i) => ({
    n: numbers.length === sources.length ? (numbers[i] ?? i + 1) : i + 1,
    source: s.source,
    page: s.page,
  }));
}

export function refsFromEvent(citation: {
  docs: string[];
  refs: { n: number; doc: number; page?: number }[];
}): CiteRef[] {
  return citation.refs.map((ref) => ({ n: ref.n, source: citation.docs[ref.doc] ?? "", page: ref.page ?? null }));
}
