/**
 * Page furniture: running headers and footers (lines in the top or bottom margin, set apart from
 * the body, whose text, digits aside, repeats across pages) and page numbers. They are dropped.
 */
import type { Line } from "./model.ts";

/** Share of the page height at the top and at the bottom where furniture lives. */
const MARGIN = 0.1;

const PAGE_NUMBER =
  /^(?:(?:page|p\.)\s*)?[-–—(]?\s*(?:\d{1,4}|[ivxlcdm]{1,6})\s*[-–—)]?(?:\s*(?:\/|of|sur|de)\s*\d{1,4})?$/i;

const keyOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/\d+/g, "#")
    .replace(/[^\p{L}#]+/gu, " ")
    .trim();

function inMargin(line: Line, height: number): boolean {
  return line.y > height * (1 - MARGIN) || line.y < height * MARGIN;
}

/**
 * Set apart: no other line within 1.8 line heights above or below it. Running headers and footers
 * stand alone; body lines that happen to repeat across pages (or end high on a short page) have
 * neighbours.
 */
function isolated(line: Line, lines: Line[]): boolean {
  const gap = line.size * 1.8;
  return !lines.some(
    (other) =>
      other !== line && other.x0 < line.x1 + gap && line.x0 < other.x1 + gap && Math.abs(other.y - line.y) < gap,
  );
}

/** Lines furthest up and furthest down a page: the only ones that can be headers or footers. */
const EDGE_LINES = 3;

function edgeLines(lines: Line[], height: number): Line[] {
  const margin = lines.filter((line) => inMargin(line, height));
  const top = margin.filter((l) => l.y > height / 2).sort((a, b) => b.y - a.y);
  const bottom = margin.filter((l) => l.y <= height / 2).sort((a, b) => a.y - b.y);
  return [...top.slice(0, EDGE_LINES), ...bottom.slice(0, EDGE_LINES)].filter((line) => isolated(line, lines));
}

/** Marks furniture lines (role "furniture") across the document's pages. */
export function markFurniture(pages: { height: number; lines: Line[] }[]): void {
  const edges = pages.map(({ height, lines }) => edgeLines(lines, height));
  const seen = new Map<string, Set<number>>();
  for (const line of edges.flat()) {
    const key = keyOf(line.text);
    if (!key || key === "#") continue;
    const on = seen.get(key) ?? new Set<number>();
    on.add(line.page);
    seen.set(key, on);
  }
  const needed = Math.max(2, Math.ceil(pages.length * 0.3));
  for (const line of edges.flat()) {
    if (line.role) continue;
    const repeated = (seen.get(keyOf(line.text))?.size ?? 0) >= needed;
    if (repeated || PAGE_NUMBER.test(line.text.trim())) line.role = "furniture";
  }
}
