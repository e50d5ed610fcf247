/**
 * The offline summary stored with a document: its most central body sentences by TextRank
 * (@sira/ai/textrank), in reading order and in the document's language, about SUMMARY_MAX_CHARS
 * characters. Headings (the outline's titles, "#" lines), lists, code, table rows, captions, and
 * title or author lines are not body sentences. Deterministic.
 */
import type { PageText } from "@sira/ai";
// Narrow entry point: this module loads in the extraction thread (through extract.ts).
import { SUMMARY_MAX_CHARS, summarizeText } from "@sira/ai/textrank";
import type { Language, TocEntry } from "@sira/contracts";
import { clipText } from "@sira/contracts/text";

export { SUMMARY_MAX_CHARS };

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

export interface DocumentSummary {
  text: string;
  language: Language;
}

/** The outline's titles word by word, to find one at the start of a line in time linear in the line. */
interface TitleTrie {
  next: Map<string, TitleTrie>;
  end: boolean;
}

const TITLE_SCAN_CHARS = 200;

function titleTrie(outline: TocEntry[]): TitleTrie {
  const root: TitleTrie = { next: new Map(), end: false };
  for (const entry of outline) {
    const words = fold(entry.title.slice(0, TITLE_SCAN_CHARS)).split(" ").filter(Boolean);
    if (!words.length) continue;
    let node = root;
    for (const word of words) {
      let child = node.next.get(word);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(word, child);
      }
      node = child;
    }
    node.end = true;
  }
  return root;
}

/**
 * The line without an outline title at its start: empty when the line is the title, the rest when
 * a new sentence follows the title on the same line (a heading run into its paragraph).
 */
function withoutTitle(line: string, trie: TitleTrie): string {
  const head = line.slice(0, TITLE_SCAN_CHARS);
  const words = fold(head).split(" ");
  let node = trie;
  let matched = 0;
  for (let i = 0; i < words.length; i += 1) {
    const child = node.next.get(words[i] as string);
    if (!child) break;
    node = child;
    if (node.end) matched = i + 1;
  }
  if (!matched) return line;
  if (matched === words.length && line.length <= TITLE_SCAN_CHARS) return "";
  // The end of the title's last word in the line as written.
  const runs = head.matchAll(/[\p{L}\p{N}\p{M}]+/gu);
  let end = 0;
  for (let i = 0; i < matched; i += 1) {
    const run = runs.next().value;
    if (!run) return line;
    end = run.index + run[0].length;
  }
  const rest = line.slice(end).replace(/^[\s:.\-–—]+/u, "");
  return /^["«“(]?\p{Lu}/u.test(rest) ? rest : line;
}

/** The summary and the language it was written in (the document's). */
export function summarizeDocument(pages: PageText[], outline: TocEntry[]): DocumentSummary {
  const trie = titleTrie(outline);
  let text = pages.map((p) => p.text).join("\n\n");
  if (trie.next.size)
    text = text
      .split("\n")
      .map((line) => withoutTitle(line, trie))
      .join("\n");
  const summary = summarizeText(text, { maxChars: SUMMARY_MAX_CHARS });
  if (summary.text) return { text: summary.text, language: summary.language };
  // Nothing reads as prose (a table, a list): the text's beginning stands in.
  const fallback = clipText(text, SUMMARY_MAX_CHARS * 8)
    .replace(/\s+/g, " ")
    .trim();
  return {
    text: fallback.length <= SUMMARY_MAX_CHARS ? fallback : `${clipText(fallback, SUMMARY_MAX_CHARS - 1).trimEnd()}…`,
    language: summary.language,
  };
}

/** At most SUMMARY_MAX_CHARS characters of the document's own central sentences, in reading order. */
export function summarize(pages: PageText[], outline: TocEntry[]): string {
  return summarizeDocument(pages, outline).text;
}
