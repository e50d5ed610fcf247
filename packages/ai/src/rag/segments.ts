/**
 * Cuts pages into sections (at outline or detected headings) and sections into sentence-sized
 * units with their page, never longer than a token limit and never cut inside a word.
 */
import type { TocEntry } from "@sira/contracts";
import { atxHeading } from "../text/markdown.ts";
import { collapseSpaces, normalizeForMatch } from "../text/normalize.ts";
import { countTokens } from "../text/tokenizer.ts";
import type { PageText } from "../types.ts";

export interface Unit {
  text: string;
  tokens: number;
  page: number | null;
  /** Joined to the previous unit by a blank line rather than a space. */
  paragraphStart: boolean;
  /** The first unit of a page (a preferred place to end a chunk). */
  pageStart: boolean;
  /** Comes from a heading line. */
  heading?: boolean;
}

export interface Section {
  chapter: string | null;
  units: Unit[];
}

interface Line {
  text: string;
  page: number | null;
  pageStart: boolean;
  paragraphStart: boolean;
  /** A fenced code block, whole, its line breaks kept. */
  code?: boolean;
}

// "2.3 Les vaccins", "III. Gestion", "Chapitre 4 : Irrigation", "Chapter 2 Water". Case-sensitive:
// the title must start with a capital ("2 if (!primes[i])" and "35 cycles per…" are body lines).
const NUMBERED_HEADING =
  /^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]+\.|(?:[Cc]hapitre|[Cc]hapter|[Pp]artie|[Pp]art|[Ss]ection|CHAPITRE|CHAPTER|PARTIE|PART|SECTION)\s+\w+\s*[:.–-]?)\s+\p{Lu}\p{Ll}/u;

/**
 * A heading recognised in the text itself (used when the document has no outline): a Markdown
 * heading, or in plain text a short numbered title line that reads like a title, not a sentence.
 */
export function detectHeading(line: string, numbered = true): string | null {
  const markdown = atxHeading(line);
  if (markdown) return markdown.title;
  if (!numbered) return null;
  if (line.length > 80 || /[.;,:!?=(){}[\]<>]/.test(line.slice(-1)) || line.split(" ").length > 10) return null;
  if (/[{}[\]();=<>]/.test(line)) return null;
  return NUMBERED_HEADING.test(line) ? line : null;
}

const FENCE = /^\s*(```|~~~)/;

/** `text` with its fenced code blocks taken out (their place marked by a line of their own). */
function withoutCode(text: string): { text: string; blocks: string[] } {
  const blocks: string[] = [];
  const out: string[] = [];
  let code: string[] | null = null;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (FENCE.test(line)) {
      if (code) {
        out.push("", `\uE000${blocks.length}`, "");
        blocks.push(["```", ...code, "```"].join("\n"));
        code = null;
      } else code = [];
      continue;
    }
    if (code) code.push(line.trimEnd());
    else out.push(line);
  }
  if (code) out.push(...code);
  return { text: out.join("\n"), blocks };
}

function linesOf(pages: PageText[]): Line[] {
  const lines: Line[] = [];
  for (const { page, text: pageText } of pages) {
    const { text, blocks } = withoutCode(pageText.replaceAll("\uE000", ""));
    const body = collapseSpaces(text);
    if (!body) continue;
    let pageStart = true;
    for (const paragraph of body.split(/\n{2,}/)) {
      const code = /^\uE000(\d+)$/.exec(paragraph.trim());
      if (code) {
        lines.push({ text: blocks[Number(code[1])] as string, page, pageStart, paragraphStart: true, code: true });
        pageStart = false;
        continue;
      }
      let paragraphStart = true;
      for (const raw of paragraph.split("\n")) {
        const line = raw.trim();
        if (!line) continue;
        lines.push({ text: line, page, pageStart, paragraphStart });
        pageStart = false;
        paragraphStart = false;
      }
    }
  }
  return lines;
}

// "## 2.3. Les vaccins" and "Les vaccins" name the same heading.
const comparable = (title: string): string =>
  normalizeForMatch(collapseSpaces(title))
    .replace(/^#+\s*/, "")
    .replace(/^(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.)\s+/, "");

// How far past the previous entry a title is looked for: a hostile outline of titles found
// nowhere would otherwise cost entries × lines comparisons.
const OUTLINE_SEARCH_LINES = 20_000;

/** Where each outline entry begins: the line that carries its title, else the first line of its page. */
function placeOutline(lines: Line[], outline: TocEntry[]): Map<number, string> {
  const starts = new Map<number, string>();
  const comparables: (string | undefined)[] = [];
  let from = 0;
  for (const entry of outline) {
    const title = comparable(entry.title);
    if (!title) continue;
    let found = -1;
    const last = Math.min(lines.length, from + OUTLINE_SEARCH_LINES);
    for (let i = from; i < last; i++) {
      const line = lines[i] as Line;
      if (entry.page !== null && line.page !== null && line.page < entry.page) continue;
      if (entry.page !== null && line.page !== null && line.page > entry.page + 1) break;
      comparables[i] ??= comparable(line.text);
      const text = comparables[i] as string;
      if (text === title || (text.startsWith(title) && text.length <= title.length + 12)) {
        found = i;
        break;
      }
    }
    if (found < 0 && entry.page !== null) {
      found = lines.findIndex((l, i) => i >= from && l.page !== null && l.page >= (entry.page as number));
    }
    if (found < 0) continue;
    starts.set(found, entry.title.trim());
    from = found;
  }
  return starts;
}

// BPE is quadratic in the length of one pre-token: a 100 kB run without spaces (base64, a table
// flattened by the extractor) would stall the tokenizer, so such runs are cut into short pieces.
const LONGEST_WORD = 64;

/** Sentences of a paragraph: after . ! ? … followed by a space. Abbreviations only make units smaller. */
function sentencesOf(paragraph: string): string[] {
  return paragraph
    .replace(
      new RegExp(`\\S{${LONGEST_WORD + 1},}`, "gu"),
      (run) =>
        [...run]
          .join("")
          .match(new RegExp(`.{1,${LONGEST_WORD}}`, "gu"))
          ?.join(" ") ?? run,
    )
    .split(/(?<=[.!?…])\s+/u)
    .filter((s) => s.length > 0);
}

/** Pieces of `text` of at most `limit` tokens, cut between words (inside a word only if the word alone is too long). */
export function splitToLimit(text: string, limit: number): string[] {
  if (countTokens(text) <= limit) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (countTokens(candidate) <= limit) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    if (countTokens(word) <= limit) {
      current = word;
      continue;
    }
    const chars = [...word];
    while (chars.length > 0) {
      let take = Math.min(chars.length, limit);
      while (take > 1 && countTokens(chars.slice(0, take).join("")) > limit) take = Math.ceil(take / 2);
      pieces.push(chars.splice(0, take).join(""));
    }
    current = "";
  }
  if (current) pieces.push(current);
  return pieces;
}

/** A fenced code block in fenced pieces of at most `limit` tokens, cut between lines. */
function codePieces(block: string, limit: number): string[] {
  if (countTokens(block) <= limit) return [block];
  const body = block.split("\n").slice(1, -1);
  const pieces: string[] = [];
  let current: string[] = [];
  const fenced = (lines: string[]) => ["```", ...lines, "```"].join("\n");
  for (const line of body) {
    if (current.length && countTokens(fenced([...current, line])) > limit) {
      pieces.push(fenced(current));
      current = [];
    }
    if (countTokens(fenced([line])) > limit) {
      pieces.push(...splitToLimit(line, Math.max(1, limit - 4)).map((part) => fenced([part])));
      continue;
    }
    current.push(line);
  }
  if (current.length) pieces.push(fenced(current));
  return pieces;
}

/** The document as sections of units; each unit has at most `unitLimit` tokens. */
export function sectionsOf(
  pages: PageText[],
  outline: TocEntry[],
  unitLimit: number,
  numberedHeadings = true,
): Section[] {
  const lines = linesOf(pages);
  const outlineStarts = placeOutline(lines, outline);
  const sections: Section[] = [];
  let outlineChapter: string | null = null;
  let detectedChapter: string | null = null;
  let section: Section | null = null;
  let paragraph: Line[] = [];
  let headingParagraph = false;

  const flushParagraph = () => {
    if (!section || paragraph.length === 0) return;
    // A paragraph may run over a page break: each sentence keeps the page it starts on.
    const text = paragraph.map((l) => l.text).join(" ");
    const marks: { offset: number; page: number | null; pageStart: boolean }[] = [];
    let offset = 0;
    for (const line of paragraph) {
      marks.push({ offset, page: line.page, pageStart: line.pageStart });
      offset += line.text.length + 1;
    }
    let next = 0;
    let page: number | null = null;
    let cursor = 0;
    let paragraphStart = true;
    for (const sentence of sentencesOf(text)) {
      const at = text.indexOf(sentence, cursor);
      cursor = at + sentence.length;
      let pageStart = false;
      for (; next < marks.length && (marks[next] as (typeof marks)[number]).offset <= at; next++) {
        const mark = marks[next] as (typeof marks)[number];
        page = mark.page;
        pageStart ||= mark.pageStart;
      }
      for (const piece of splitToLimit(sentence, unitLimit)) {
        section.units.push({
          text: piece,
          tokens: countTokens(piece),
          page,
          paragraphStart,
          pageStart,
          ...(headingParagraph ? { heading: true } : {}),
        });
        paragraphStart = false;
        pageStart = false;
      }
    }
    paragraph = [];
  };

  const startSection = (chapter: string | null) => {
    flushParagraph();
    section = { chapter, units: [] };
    sections.push(section);
  };

  const pushCode = (line: Line) => {
    flushParagraph();
    if (!section) startSection(outlineChapter ?? detectedChapter);
    for (const piece of codePieces(line.text, unitLimit)) {
      (section as Section | null)?.units.push({
        text: piece,
        tokens: countTokens(piece),
        page: line.page,
        paragraphStart: true,
        pageStart: line.pageStart,
      });
    }
  };

  lines.forEach((line, i) => {
    if (line.code) {
      pushCode(line);
      return;
    }
    const outlineTitle = outlineStarts.get(i);
    const detected = detectHeading(line.text, numberedHeadings);
    if (outlineTitle !== undefined) {
      outlineChapter = outlineTitle;
      startSection(outlineChapter);
    } else if (detected !== null && outline.length === 0) {
      detectedChapter = detected;
      startSection(detectedChapter);
    } else if (!section) {
      startSection(outlineChapter ?? detectedChapter);
    }
    const isHeading = outlineTitle !== undefined || detected !== null;
    if (line.paragraphStart || isHeading) flushParagraph();
    headingParagraph = isHeading;
    // A heading's unit is its title, without Markdown's "#" marks.
    paragraph.push(isHeading ? { ...line, text: atxHeading(line.text)?.title ?? line.text } : line);
    if (isHeading) flushParagraph();
    headingParagraph = false;
  });
  flushParagraph();
  return withoutBareHeadings(sections.filter((s) => s.units.length > 0));
}

/** A section holding only headings (a title right above a subtitle) joins the next section. */
function withoutBareHeadings(sections: Section[]): Section[] {
  const out: Section[] = [];
  for (const section of sections) {
    const previous = out.at(-1);
    if (previous?.units.every((u) => u.heading)) {
      previous.units.push(...section.units);
      previous.chapter = section.chapter ?? previous.chapter;
    } else {
      out.push(section);
    }
  }
  return out;
}
