/**
 * Text that belongs to a figure: labels inside a diagram (runs within a cluster of painted shapes),
 * and short label lines between a caption and the body around it. Captions are recognised here
 * too; they stay in the text, as captions.
 */
import type { Box, Line, RawPage } from "./model.ts";

const CAPTION =
  /^(?:fig(?:ure)?|table|tableau|listing|graph(?:ique|e)?|sch[ée]ma|diagram(?:me)?|illustration|chart)\.?\s*[\dIVX]+[a-z]?\s*[.:–—-]/i;

export const isCaption = (text: string): boolean => CAPTION.test(text);

/** A line that reads like prose: enough words, or the end of a sentence. */
export function sentenceLike(text: string): boolean {
  const words = text.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
  return words.length >= 7 || (words.length >= 4 && /[.!?;:]$/.test(text));
}

const area = (b: Box) => (b.x1 - b.x0) * (b.y1 - b.y0);
const grow = (b: Box, by: number): Box => ({ x0: b.x0 - by, y0: b.y0 - by, x1: b.x1 + by, y1: b.y1 + by });
const meets = (a: Box, b: Box) => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;

/**
 * Regions drawn as diagrams: shapes close to each other are merged, and a region counts when it
 * gathers several shapes. Page backgrounds, frames and lone rules (table lines, separators) are
 * left out first.
 */
export function diagramRegions(page: RawPage): Box[] {
  const pageArea = page.width * page.height;
  const shapes = page.shapes.filter((s) => {
    const w = s.x1 - s.x0;
    const h = s.y1 - s.y0;
    if (area(s) > pageArea * 0.5) return false;
    // A long thin rule is layout, not a drawing.
    if ((h < 2 && w > page.width * 0.25) || (w < 2 && h > page.height * 0.25)) return false;
    return w > 0 || h > 0;
  });
  const regions: { box: Box; count: number }[] = [];
  for (const shape of shapes.slice(0, 5_000)) {
    let box = grow(shape, 6);
    let count = 1;
    for (let i = regions.length - 1; i >= 0; i -= 1) {
      const region = regions[i] as { box: Box; count: number };
      if (!meets(region.box, box)) continue;
      box = {
        x0: Math.min(box.x0, region.box.x0),
        y0: Math.min(box.y0, region.box.y0),
        x1: Math.max(box.x1, region.box.x1),
        y1: Math.max(box.y1, region.box.y1),
      };
      count += region.count;
      regions.splice(i, 1);
    }
    regions.push({ box, count });
  }
  return regions.filter((r) => r.count >= 3).map((r) => r.box);
}

function inside(line: Line, box: Box): boolean {
  const cx = (line.x0 + line.x1) / 2;
  return cx >= box.x0 && cx <= box.x1 && line.y >= box.y0 && line.y <= box.y1;
}

/** Marks captions, and the figure text of one page (role "figure"). */
export function markFigures(page: RawPage, lines: Line[]): void {
  const regions = diagramRegions(page);
  for (const line of lines) {
    if (line.role) continue;
    if (isCaption(line.text)) line.role = "caption";
    else if (regions.some((r) => inside(line, r)) && !sentenceLike(line.text)) line.role = "figure";
  }
}

const FIGURE_CAPTION = /^(?:fig(?:ure)?|graph(?:ique|e)?|sch[ée]ma|diagram(?:me)?|illustration|chart)\.?\s*[\dIVX]/i;

/**
 * Short lines right above a figure's caption belong to its figure (a raster figure with text over
 * it, a chart drawn without paths pdf.js reports). Runs after headings are known.
 */
export function markLabelsAboveCaptions(page: RawPage, lines: Line[]): void {
  lines.forEach((line, i) => {
    if (line.role !== "caption" || !FIGURE_CAPTION.test(line.text)) return;
    for (let j = i - 1; j >= 0 && j >= i - 40; j -= 1) {
      const other = lines[j] as Line;
      if (other.role === "figure") continue;
      if (other.role || other.mono || sentenceLike(other.text) || /[.,;]$/.test(other.text)) break;
      if (other.y - line.y > page.height * 0.5) break;
      const narrow = other.x1 - other.x0 < (other.right - other.left) * 0.6;
      if (!narrow && other.widestGap < other.size * 2) break;
      other.role = "figure";
    }
  });
}
