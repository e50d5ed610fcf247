/**
 * Headings by typography: a line is a heading when it is set larger than the body text, or bold
 * at body size, and reads like a title (short, no sentence end). Numbering alone never makes a
 * heading ("2 if (!primes[i])" or a numbered list item at body size stays body); it only tells the
 * depth ("2.3" is a level-2 heading). The document's title (the largest type on page 1, before the
 * first section) is kept apart, as are the author lines around it.
 */
import { sentenceLike } from "./figures.ts";
import { type Line, most } from "./model.ts";

/** Larger than this × the body size counts as display type. */
const LARGER = 1.12;
const MAX_HEADING_CHARS = 160;
const MAX_HEADING_WORDS = 18;

const NUMBERING =
  /^(?:(\d{1,2}(?:\.\d{1,2}){0,4})\.?|([IVX]{1,5})\.|(?:chapitre|chapter|partie|part|section)\s+\w+\s*[:.–-]?)\s+/i;
const FRONT_ANCHOR =
  /^(?:abstract|r[ée]sum[ée]|introduction|summary|sommaire|pr[ée]face|avant-propos|contents|table des mati[èe]res|foreword)\b/i;

export const sizeKey = (size: number) => Math.round(size * 2) / 2;

/** The body text's size: the size that carries most characters of plain, non-code lines. */
export function bodySize(lines: Line[]): number {
  const weights = new Map<number, number>();
  for (const line of lines) {
    if (line.role || line.mono) continue;
    const key = sizeKey(line.size);
    weights.set(key, (weights.get(key) ?? 0) + line.text.length);
  }
  let best = 10;
  let weight = -1;
  for (const [size, w] of weights) {
    if (w > weight) {
      best = size;
      weight = w;
    }
  }
  return best;
}

/** Depth given by the heading's numbering ("2.3 Foo" → 2), or null. */
export function numberingDepth(text: string): number | null {
  const match = NUMBERING.exec(text);
  if (!match) return null;
  if (match[1]) return match[1].split(".").length;
  return 1;
}

function looksLikeTitle(line: Line): boolean {
  const text = line.text;
  if (text.length > MAX_HEADING_CHARS || !/\p{L}{2,}/u.test(text)) return false;
  if (text.split(/\s+/).length > MAX_HEADING_WORDS) return false;
  if (/[,;]$/.test(text)) return false;
  // A sentence end: "Results." is a run-in heading's start, not a heading line.
  if (/[.!?]$/.test(text) && !/^\S+\.$/.test(text.replace(NUMBERING, ""))) return false;
  return !sentenceLike(text) || text.split(/\s+/).length <= 10;
}

function candidate(line: Line, body: number): boolean {
  if (line.role || line.mono || !looksLikeTitle(line)) return false;
  const size = sizeKey(line.size);
  if (size >= body * LARGER) return true;
  return line.bold && size >= body * 0.9;
}

const styleOf = (line: Line) => `${sizeKey(line.size)}|${line.bold ? "b" : "r"}`;

/**
 * Marks heading lines ("heading"), the title ("title") and front-matter lines, and returns each
 * heading line's level by its order. Consecutive heading lines of one style form one heading.
 */
export function markHeadings(lines: Line[]): Map<Line, number> {
  const body = bodySize(lines);
  const candidates = lines.filter((l) => candidate(l, body));
  const levels = new Map<Line, number>();
  if (!candidates.length) return levels;

  // Front matter: page-1 lines before the first numbered or conventional section heading.
  const anchor = candidates.find(
    (l) => l.page <= 2 && (numberingDepth(l.text) !== null || FRONT_ANCHOR.test(l.text.replace(NUMBERING, ""))),
  );
  const front = new Set(
    anchor
      ? candidates.filter((l) => l.page === 1 && l.page <= anchor.page && l.order < anchor.order && l !== anchor)
      : [],
  );
  const firstPage = candidates.filter((l) => l.page === 1 && (!anchor || front.has(l)));
  const largest = most(
    firstPage.map((l) => sizeKey(l.size)),
    0,
  );
  const largestElsewhere = candidates.some((l) => l.page > 1 && sizeKey(l.size) >= largest);
  for (const line of candidates) {
    if (line.page === 1 && sizeKey(line.size) === largest && !largestElsewhere && (!anchor || front.has(line))) {
      line.role = "title";
    } else if (front.has(line)) {
      line.role = "body";
    }
  }

  const headings = candidates.filter((l) => !l.role);
  // Styles ranked by size then weight: the largest heading style is level 1.
  const styles = [...new Set(headings.map(styleOf))].sort((a, b) => {
    const [sa, wa] = a.split("|");
    const [sb, wb] = b.split("|");
    return Number(sb) - Number(sa) || (wa === wb ? 0 : wa === "b" ? -1 : 1);
  });
  for (const line of headings) {
    line.role = "heading";
    const depth = numberingDepth(line.text);
    const conventional = depth === null && FRONT_ANCHOR.test(line.text);
    levels.set(line, conventional ? 1 : Math.min(6, depth ?? styles.indexOf(styleOf(line)) + 1));
  }
  return levels;
}
