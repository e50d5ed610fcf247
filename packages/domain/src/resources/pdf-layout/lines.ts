/**
 * A page's runs → lines in reading order. Two-column pages are found by a vertical gutter near the
 * middle that few runs cross; runs that cross it (a title, a full-width figure) split the page
 * into bands, and each band is read left column first, then right column.
 */
import { type Line, least, most, type RawPage, type Run } from "./model.ts";

/** Share of the page width, either side of the middle, searched for a gutter. */
const GUTTER_SEARCH = 0.17;
/** A gutter must leave at least this share of the page's characters on each side. */
const MIN_SIDE_SHARE = 0.08;
/** At most this share of characters may sit on runs that cross the gutter. */
const MAX_SPANNING_SHARE = 0.35;

const chars = (runs: Run[]) => runs.reduce((sum, r) => sum + r.text.length, 0);

/** The x of a gutter splitting the page into two columns, or null for a one-column page. */
export function findGutter(page: RawPage): number | null {
  const runs = page.runs.filter((r) => !r.rotated && r.text.trim());
  const total = chars(runs);
  if (total < 200) return null;
  const mid = page.width / 2;
  const from = Math.floor(mid - page.width * GUTTER_SEARCH);
  const to = Math.ceil(mid + page.width * GUTTER_SEARCH);
  let best: { x: number; crossing: number } | null = null;
  for (let x = from; x <= to; x += 2) {
    let crossing = 0;
    let left = 0;
    let right = 0;
    for (const r of runs) {
      if (r.x < x && r.x + r.width > x) crossing += r.text.length;
      else if (r.x + r.width <= x) left += r.text.length;
      else right += r.text.length;
    }
    if (left < total * MIN_SIDE_SHARE || right < total * MIN_SIDE_SHARE) continue;
    if (!best || crossing < best.crossing || (crossing === best.crossing && Math.abs(x - mid) < Math.abs(best.x - mid)))
      best = { x, crossing };
  }
  if (!best || best.crossing > total * MAX_SPANNING_SHARE) return null;
  // Both columns must really be columns: side by side over some height, not one above the other.
  const gutter = best.x;
  const leftYs = runs.filter((r) => r.x + r.width <= gutter).map((r) => r.y);
  const low = least(leftYs);
  const high = most(leftYs);
  const beside = runs.filter((r) => r.x >= gutter && r.y >= low && r.y <= high).length;
  return beside >= 3 ? gutter : null;
}

/** Runs of one line as text, a space wherever a gap separates them. */
export function joinRuns(runs: Run[]): { text: string; widestGap: number } {
  let text = "";
  let widestGap = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    const gap = run.x - end;
    if (text && gap > 0) widestGap = Math.max(widestGap, gap);
    if (text && gap > run.size * 0.15 && !text.endsWith(" ") && !run.text.startsWith(" ")) text += " ";
    text += run.text;
    end = Math.max(end, run.x + run.width);
  }
  return { text: text.replace(/\s+/g, " ").trim(), widestGap };
}

/** The dominant value of `pick` over runs, weighted by their characters. */
function dominant<T>(runs: Run[], pick: (r: Run) => T): T {
  const weights = new Map<T, number>();
  for (const r of runs) weights.set(pick(r), (weights.get(pick(r)) ?? 0) + r.text.length);
  let best: T = pick(runs[0] as Run);
  let weight = -1;
  for (const [value, w] of weights) {
    if (w > weight) {
      best = value;
      weight = w;
    }
  }
  return best;
}

/** Runs on one baseline (within 40% of their size), each line left to right. */
function linesOf(runs: Run[], page: number, left: number, right: number): Omit<Line, "order">[] {
  const sorted = [...runs].sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: Run[][] = [];
  for (const run of sorted) {
    const last = groups.at(-1);
    const anchor = last?.[0];
    if (last && anchor && Math.abs(anchor.y - run.y) <= Math.max(anchor.size, run.size) * 0.4) last.push(run);
    else groups.push([run]);
  }
  const lines: Omit<Line, "order">[] = [];
  for (const group of groups) {
    group.sort((a, b) => a.x - b.x);
    const { text, widestGap } = joinRuns(group);
    if (!text) continue;
    const words = group.filter((r) => /\S/.test(r.text));
    lines.push({
      page,
      text,
      x0: least(group.map((r) => r.x)),
      x1: most(group.map((r) => r.x + r.width)),
      y: dominant(words, (r) => Math.round(r.y * 10) / 10),
      size: dominant(words, (r) => Math.round(r.size * 2) / 2),
      bold: words.every((r) => r.bold || !/\p{L}/u.test(r.text)),
      mono: words.every((r) => r.mono),
      left,
      right,
      widestGap,
      runs: group,
    });
  }
  return lines;
}

/** The page's lines in reading order (rotated runs become lines of their own, read last). */
export function pageLines(page: RawPage): Line[] {
  const runs = page.runs.filter((r) => r.text.trim() && !r.rotated);
  const rotated = page.runs.filter((r) => r.text.trim() && r.rotated);
  if (!runs.length && !rotated.length) return [];
  const textLeft = least(
    runs.map((r) => r.x),
    page.width,
  );
  const textRight = most(
    runs.map((r) => r.x + r.width),
    0,
  );
  const gutter = findGutter(page);
  const ordered: Omit<Line, "order">[] = [];
  if (gutter === null) {
    ordered.push(...linesOf(runs, page.page, textLeft, textRight));
  } else {
    const spanning = runs.filter((r) => r.x < gutter && r.x + r.width > gutter);
    const spanningLines = linesOf(spanning, page.page, textLeft, textRight);
    const column = runs.filter((r) => !spanning.includes(r));
    const leftRuns = column.filter((r) => r.x + r.width <= gutter);
    const rightRuns = column.filter((r) => r.x >= gutter);
    const leftEdge = least(leftRuns.map((r) => r.x));
    const rightEdge = most(rightRuns.map((r) => r.x + r.width));
    const leftLines = linesOf(leftRuns, page.page, leftEdge, gutter);
    const rightLines = linesOf(rightRuns, page.page, gutter, rightEdge);
    // Bands: the column lines above each spanning line, left column first, then the spanning line.
    let l = 0;
    let r = 0;
    const above = (lines: typeof leftLines, at: number, y: number) => {
      let end = at;
      while (end < lines.length && (lines[end] as (typeof lines)[number]).y > y) end += 1;
      return end;
    };
    for (const span of spanningLines) {
      const lEnd = above(leftLines, l, span.y);
      const rEnd = above(rightLines, r, span.y);
      ordered.push(...leftLines.slice(l, lEnd), ...rightLines.slice(r, rEnd), span);
      l = lEnd;
      r = rEnd;
    }
    ordered.push(...leftLines.slice(l), ...rightLines.slice(r));
  }
  ordered.push(
    ...rotated.map((run) => ({
      page: page.page,
      text: run.text.trim(),
      x0: run.x,
      x1: run.x + run.width,
      y: run.y,
      size: run.size,
      bold: run.bold,
      mono: run.mono,
      left: textLeft,
      right: textRight,
      widestGap: 0,
      runs: [run],
      role: "figure" as const,
    })),
  );
  return ordered.map((line, order) => ({ ...line, order }));
}
