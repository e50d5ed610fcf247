/**
 * What is read aloud from a lesson's Markdown: one section per "## " heading, in lesson order, the
 * heading spoken first (the lesson's "# " title opens the first section). Citation markers ([1],
 * [1, 2], [^1]), footnote lines, link targets, images, code fences, tables' pipes and emphasis are
 * dropped; list items and sub-headings become sentences. Linear in the text (no backtracking).
 */
import { atxHeading } from "../text/markdown.ts";

export interface LessonSpeechSection {
  index: number;
  /** The section's heading as written (empty for a lesson without headings). */
  heading: string;
  /** The text to speak, heading first. */
  text: string;
}

const CITATION = /\s*\[\^?[\d\s,;–-]+\]/gu;
const FOOTNOTE_REF = /\[\^[^\]\s]{1,40}\]/gu;
const FOOTNOTE_DEF = /^\s*\[\^[^\]]{1,40}\]:/u;
const IMAGE = /!\[([^\]]{0,300})\]\([^)]{0,2000}\)/gu;
const LINK = /\[([^\]]{1,300})\]\([^)]{0,2000}\)/gu;
const BRACKETED_SOURCE = /【[^】]{0,200}】/gu;
const HTML_TAG = /<\/?[A-Za-z][^<>]{0,200}>/gu;
const BULLET = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/u;
const QUOTE = /^\s*>\s?/u;
const RULE = /^\s*(?:[-*_]\s*){3,}$/u;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/u;

/** A sentence ends with punctuation, so the voice pauses between a heading or a bullet and what follows. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  return /[.!?…:;]$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** One line of Markdown as plain words. */
export function speakableText(line: string): string {
  return line
    .replace(IMAGE, "")
    .replace(LINK, "$1")
    .replace(FOOTNOTE_REF, "")
    .replace(CITATION, "")
    .replace(BRACKETED_SOURCE, "")
    .replace(HTML_TAG, "")
    .replace(/[*_`~]+/gu, "")
    .replace(/\s*\|\s*/gu, ", ")
    .replace(/\s{2,}/gu, " ")
    .replace(/\s+([.,])/gu, "$1")
    .replace(/^[,\s]+|[,\s]+$/gu, "")
    .trim();
}

interface Draft {
  heading: string;
  lines: string[];
}

/** The lesson's sections as speech, in order; sections with nothing to say are left out. */
export function lessonSpeechSections(markdown: string): LessonSpeechSection[] {
  let title = "";
  const drafts: Draft[] = [];
  let current: Draft | null = null;
  let fenced = false;
  for (const raw of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(```|~~~)/u.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || FOOTNOTE_DEF.test(raw) || RULE.test(raw) || TABLE_DIVIDER.test(raw)) continue;
    const heading = atxHeading(raw);
    if (heading?.level === 1 && !title && drafts.length === 0) {
      title = speakableText(heading.title);
      continue;
    }
    if (heading && heading.level <= 2) {
      current = { heading: speakableText(heading.title), lines: [] };
      drafts.push(current);
      continue;
    }
    if (!current) {
      if (!raw.trim()) continue;
      current = { heading: "", lines: [] };
      drafts.push(current);
    }
    if (heading) {
      current.lines.push(sentence(speakableText(heading.title)));
      continue;
    }
    const bullet = BULLET.test(raw);
    const text = speakableText(raw.replace(QUOTE, "").replace(BULLET, ""));
    if (!text) {
      current.lines.push("");
      continue;
    }
    current.lines.push(bullet ? sentence(text) : text);
  }
  const sections: LessonSpeechSection[] = [];
  for (const draft of drafts) {
    const body = draft.lines
      .join("\n")
      .split(/\n{2,}/u)
      .map((paragraph) => sentence(paragraph.replace(/\n/gu, " ")))
      .filter(Boolean)
      .join("\n\n");
    const opening = [sections.length === 0 ? sentence(title) : "", sentence(draft.heading)].filter(Boolean);
    if (!body && opening.length === 0) continue;
    if (!body && sections.length > 0) continue;
    sections.push({
      index: sections.length,
      heading: draft.heading || title,
      text: [...opening, body].filter(Boolean).join("\n\n"),
    });
  }
  if (sections.length === 0 && title) sections.push({ index: 0, heading: title, text: sentence(title) });
  return sections;
}
