/**
 * Classified lines → blocks: headings (consecutive heading lines of one style joined), paragraphs
 * (wrapped lines joined, line-end hyphens mended), list items, captions and code listings (kept
 * line by line, indentation restored). Figure text and furniture are left out.
 */
import { sizeKey } from "./headings.ts";
import { joinRuns } from "./lines.ts";
import { type Block, type Line, least } from "./model.ts";

const LIST_MARKER = /^((?:\d{1,3}|[a-z])[.)]|[•▪◦‣●○■□▸►✓–—*-])\s+/u;

/** `before` + `after` across a line break: "activ-" + "ity" → "activity", "Trace-" + "Monkey" → "Trace-Monkey". */
export function joinWrapped(before: string, after: string): string {
  if (!before) return after;
  if (before.endsWith("\u00ad")) return before.slice(0, -1) + after;
  if (/\p{L}-$/u.test(before) && /^\p{L}/u.test(after)) {
    return /^\p{Ll}/u.test(after) ? before.slice(0, -1) + after : before + after;
  }
  return `${before} ${after}`;
}

/** Where a code line's code starts: after its line number, when the listing is numbered. */
function codeStart(line: Line): { x: number; text: string } {
  const [first, second] = line.runs;
  if (first && second && /^\s*\d{1,5}\s*$/.test(first.text)) {
    return { x: second.x, text: `${first.text.trim()} ${joinRuns(line.runs.slice(1)).text}` };
  }
  return { x: line.x0, text: line.text };
}

function codeText(lines: Line[]): string {
  const starts = lines.map(codeStart);
  const left = least(starts.map((s) => s.x));
  return starts
    .map((start, i) => {
      const charWidth = ((lines[i] as Line).size || 10) * 0.6;
      const indent = Math.max(0, Math.min(40, Math.round((start.x - left) / charWidth)));
      const numbered = /^(\d+) (.*)$/.exec(start.text);
      return numbered ? `${numbered[1]} ${" ".repeat(indent)}${numbered[2]}` : " ".repeat(indent) + start.text;
    })
    .join("\n");
}

/** Does `next` start a new paragraph after `previous` (same column, both body)? */
function breaksParagraph(previous: Line, next: Line, spacing: number, listItem = false): boolean {
  // Across a column or a page, a sentence that did not end goes on.
  if (previous.page !== next.page || previous.left !== next.left) return /[.!?:]["»”)]?$/u.test(previous.text);
  const gap = previous.y - next.y;
  if (gap > spacing * 1.45 || gap < 0) return true;
  if (sizeKey(previous.size) !== sizeKey(next.size)) return true;
  if (LIST_MARKER.test(next.text)) return true;
  const width = previous.right - previous.left;
  // A list item's wrapped lines are indented under its text.
  if (listItem && next.x0 > previous.left + next.size * 0.5) return false;
  // A first-line indent, or a short line that ends a sentence.
  if (next.x0 - previous.x0 > Math.max(8, next.size) && next.x0 - next.left > next.size) return true;
  return previous.x1 < previous.left + width * 0.7 && /[.!?:]$/.test(previous.text);
}

/** The usual distance between consecutive baselines of body lines. */
function lineSpacing(lines: Line[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i += 1) {
    const a = lines[i - 1] as Line;
    const b = lines[i] as Line;
    if (a.page === b.page && a.left === b.left && a.role === "body" && b.role === "body" && a.y > b.y) {
      gaps.push(a.y - b.y);
    }
  }
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)] ?? 12;
}

/** Blocks in reading order from the document's classified lines. */
export function toBlocks(lines: Line[], levels: Map<Line, number>): Block[] {
  const kept = lines.filter((l) => l.role !== "furniture" && l.role !== "figure");
  for (const line of kept) line.role ??= line.mono ? "code" : "body";
  const spacing = lineSpacing(kept);
  const blocks: Block[] = [];
  let i = 0;
  while (i < kept.length) {
    const line = kept[i] as Line;
    const run = [line];
    i += 1;
    const continues = (next: Line, previous: Line): boolean => {
      switch (line.role) {
        case "heading":
        case "title":
          return (
            next.role === line.role &&
            next.page === previous.page &&
            sizeKey(next.size) === sizeKey(previous.size) &&
            next.bold === previous.bold &&
            previous.y - next.y < next.size * 2 &&
            (line.role === "title" || levels.get(next) === levels.get(line))
          );
        case "code":
          return next.role === "code" && next.page === previous.page && previous.y - next.y < next.size * 2.5;
        case "caption":
          // A caption never runs on into the next column or page.
          return (
            next.role === "body" &&
            next.page === previous.page &&
            next.left === previous.left &&
            !breaksParagraph(previous, next, spacing) &&
            !/[.!?]$/.test(previous.text)
          );
        default:
          return next.role === "body" && !breaksParagraph(previous, next, spacing, LIST_MARKER.test(line.text));
      }
    };
    while (i < kept.length && continues(kept[i] as Line, run.at(-1) as Line)) {
      run.push(kept[i] as Line);
      i += 1;
    }
    const text = run.reduce((acc, l) => joinWrapped(acc, l.text), "");
    const page = line.page;
    switch (line.role) {
      case "heading":
        blocks.push({ kind: "heading", level: levels.get(line) ?? 1, text, page });
        break;
      case "title":
        blocks.push({ kind: "title", text, page });
        break;
      case "code":
        blocks.push({ kind: "code", text: codeText(run), page });
        break;
      case "caption":
        blocks.push({ kind: "caption", text, page });
        break;
      default: {
        const marker = LIST_MARKER.exec(text);
        if (marker)
          blocks.push({ kind: "list-item", marker: marker[1] as string, text: text.slice(marker[0].length), page });
        else blocks.push({ kind: "paragraph", text, page });
      }
    }
  }
  return blocks;
}
