/**
 * An extractive summary of a document, deterministic: the first informative sentences of each
 * top-level section (by the outline, else of the document), about 1,200 characters in all.
 */
import type { PageText } from "@sira/ai";
import type { TocEntry } from "@sira/contracts";

export const SUMMARY_MAX_CHARS = 1_200;

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** A sentence worth quoting: long enough, mostly words, not a heading or a table row. */
function informative(sentence: string): boolean {
  const words = sentence.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
  if (words.length < 6 || sentence.length < 40) return false;
  if (sentence === sentence.toUpperCase()) return false;
  const letters = sentence.replace(/[^\p{L}]/gu, "").length;
  return letters / sentence.length > 0.6;
}

function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?…])\s+(?=[\p{Lu}\p{N}«"(])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The document's lines split into sections at the outline's top-level titles. */
function sections(pages: PageText[], outline: TocEntry[]): string[] {
  const lines = pages.flatMap((p) => p.text.split("\n"));
  const topLevel = Math.min(...outline.map((e) => e.level));
  const titles = new Set(outline.filter((e) => e.level === topLevel).map((e) => fold(e.title)));
  titles.delete("");
  // A heading line is the title itself, or the title followed by a short subtitle. Looked up in a
  // set (at the spaces of the line's last 60 characters), not compared with every title.
  const isHeading = (folded: string) => {
    if (titles.has(folded)) return true;
    for (let at = folded.indexOf(" ", Math.max(0, folded.length - 60)); at > 0; at = folded.indexOf(" ", at + 1)) {
      if (titles.has(folded.slice(0, at))) return true;
    }
    return false;
  };
  const out: string[][] = [[]];
  for (const line of lines) {
    const folded = fold(line.replace(/^#+\s*/, ""));
    if (folded && isHeading(folded)) {
      out.push([]);
      continue;
    }
    out[out.length - 1]?.push(line);
  }
  return out.map((s) => s.join("\n")).filter((s) => s.trim());
}

/** At most SUMMARY_MAX_CHARS characters of whole sentences, taken in reading order. */
export function summarize(pages: PageText[], outline: TocEntry[]): string {
  const parts = outline.length ? sections(pages, outline) : [pages.map((p) => p.text).join("\n")];
  const candidates = parts.map((part) => sentencesOf(part).filter(informative));
  const chosen: string[] = [];
  let length = 0;
  // Round-robin: each section gives its first sentence before any gives its second.
  for (let round = 0; round < 8; round += 1) {
    let added = false;
    for (const list of candidates) {
      const sentence = list[round];
      if (!sentence) continue;
      if (length + sentence.length + 1 > SUMMARY_MAX_CHARS) continue;
      chosen.push(sentence);
      length += sentence.length + 1;
      added = true;
    }
    if (!added) break;
  }
  if (chosen.length === 0) {
    const fallback = pages
      .map((p) => p.text)
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    return fallback.length <= SUMMARY_MAX_CHARS ? fallback : `${fallback.slice(0, SUMMARY_MAX_CHARS - 1).trimEnd()}…`;
  }
  // Keep reading order: sort by section then round.
  const order = new Map<string, number>();
  candidates.forEach((list, s) => {
    list.forEach((sentence, r) => {
      if (!order.has(sentence)) order.set(sentence, s * 1000 + r);
    });
  });
  return chosen.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)).join(" ");
}
