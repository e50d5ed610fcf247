/**
 * Generated text is shown to learners as Markdown, and it is written from untrusted documents
 * (decision 0031). Before it is streamed or stored: raw HTML (tags, comments) is removed; images
 * become their alt text; a link, autolink, bare URL or reference definition keeps its URL only
 * when that URL appears in the text of the sources the generator was given (else only the link
 * text stays). Only http(s) and mailto URLs are ever kept. Citation markers such as [2] pass.
 * Everything is scanned by hand, in time linear in the text (with bounded look-ahead).
 */
import type { RetrievedChunk, StructureDocument } from "../types.ts";

/** Whether a URL may stay: it must be written in the sources themselves. */
export type UrlPolicy = (url: string) => boolean;

/** Look-ahead bounds: a "<" or "[" not closed within these is plain text. */
const MAX_TAG_CHARS = 1_000;
const MAX_LINK_CHARS = 2_000;

const SAFE_SCHEME = /^(?:https?:\/\/|mailto:|www\.)/i;
const URL_START = /^(?:https?:\/\/|www\.)/i;
// What follows "<" in raw HTML: a tag name, a closing tag, a comment, a declaration or a processing instruction.
const HTML_START = /^(?:\/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|!|\?)/;
const TRAILING_PUNCTUATION = new Set([".", ",", ";", ":", "!", "?", ")", "'", '"', "»"]);

/**
 * Whether `corpus` writes `url` as a whole URL at `at`: what follows ends it, or only goes on with
 * its path, query or fragment. A cut-off host ("https://www.who.in" inside "https://www.who.int")
 * names another site, so it does not count as written.
 */
function endsUrlAt(corpus: string, at: number): boolean {
  const next = corpus[at];
  if (next === undefined || /[\s<>"'`()[\]{}|\\^,;!/?#]/.test(next)) return true;
  const after = corpus[at + 1];
  return (next === "." || next === ":") && (after === undefined || /[\s<>"'`)\]]/.test(after));
}

/** URLs allowed in text generated from `chunks`: those written, whole, in the chunks' own text. */
export function urlsFromSources(chunks: Pick<RetrievedChunk, "text">[]): UrlPolicy {
  const corpus = chunks.map((c) => c.text).join("\n");
  return (url) => {
    if (!SAFE_SCHEME.test(url) || /[\s<>"'`\\]/.test(url)) return false;
    const bare = url.endsWith("/") ? url.slice(0, -1) : url;
    if (bare.length === 0) return false;
    for (let at = corpus.indexOf(bare); at >= 0; at = corpus.indexOf(bare, at + 1)) {
      if (endsUrlAt(corpus, at + bare.length)) return true;
    }
    return false;
  };
}

/** URLs allowed in a course structure: those written in the documents' summaries and excerpts. */
export function urlsFromDocuments(documents: Pick<StructureDocument, "summary" | "excerpts">[]): UrlPolicy {
  return urlsFromSources(documents.flatMap((d) => [{ text: d.summary }, ...d.excerpts]));
}

/** A policy that keeps no URL at all (content generated without sources). */
export const NO_URLS: UrlPolicy = () => false;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_/@.-]/u.test(ch);
}

/** A bare URL starting at `i` runs to whitespace or a delimiter (`raw`), then loses trailing punctuation. */
function bareUrlEnd(text: string, i: number): { raw: number; end: number } {
  let raw = i;
  while (raw < text.length && !/[\s<>"`[\]]/.test(text[raw] as string)) raw += 1;
  let end = raw;
  while (end > i && TRAILING_PUNCTUATION.has(text[end - 1] as string)) end -= 1;
  return { raw, end };
}

/** The URL of a link destination "url", "<url>" or "url \"title\"". */
function destinationUrl(destination: string): string {
  const trimmed = destination.trim();
  if (trimmed.startsWith("<")) {
    const close = trimmed.indexOf(">");
    return close > 0 ? trimmed.slice(1, close) : trimmed;
  }
  const space = trimmed.search(/\s/);
  return space < 0 ? trimmed : trimmed.slice(0, space);
}

/** The ")" closing a link destination (parentheses inside it balance, as in CommonMark), or -1. */
function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === "(") depth += 1;
    else if (text[i] === ")") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

interface Construct {
  /** Where the construct ends (exclusive), or -1 when more text is needed to decide. */
  end: number;
  /** What it becomes. */
  out: string;
}

const UNDECIDED: Construct = { end: -1, out: "" };

/** `<…>` at `i`: an autolink, raw HTML (removed), or a plain "<". */
function angle(text: string, i: number, allowed: UrlPolicy, final: boolean): Construct {
  const first = text[i + 1];
  if (first === undefined) return final ? { end: i + 1, out: "<" } : UNDECIDED;
  if (!/[A-Za-z/!?]/.test(first)) return { end: i + 1, out: "<" };
  const window = text.slice(i + 1, i + 1 + MAX_TAG_CHARS);
  const close = window.indexOf(">");
  if (close < 0) {
    const couldClose = !final && window.length < MAX_TAG_CHARS;
    return couldClose ? UNDECIDED : { end: i + 1, out: "<" };
  }
  const inner = window.slice(0, close);
  const end = i + close + 2;
  if (URL_START.test(inner) || /^mailto:/i.test(inner)) return { end, out: allowed(inner) ? `<${inner}>` : "" };
  if (HTML_START.test(inner)) return { end, out: "" };
  return { end: i + 1, out: "<" };
}

/** `[text](url)`, `![alt](url)` or a `[label]: url` definition at `i`; else a plain "[" (citations). */
function bracket(text: string, i: number, allowed: UrlPolicy, final: boolean, lineStart: boolean): Construct {
  const image = text[i] === "!";
  const open = image ? i + 1 : i;
  const window = text.slice(open + 1, open + 1 + MAX_LINK_CHARS);
  const close = window.indexOf("]");
  const plain = { end: open + 1, out: text.slice(i, open + 1) };
  if (close < 0) return !final && window.length < MAX_LINK_CHARS ? UNDECIDED : plain;
  const label = window.slice(0, close);
  const after = open + close + 2;
  if (after >= text.length) return final ? plain : UNDECIDED;
  const next = text[after];
  if (next === "(") {
    const rest = text.slice(after + 1, after + 1 + MAX_LINK_CHARS);
    const end = closingParen(rest);
    if (end < 0) return !final && rest.length < MAX_LINK_CHARS ? UNDECIDED : plain;
    const url = destinationUrl(rest.slice(0, end));
    const shown = sanitizeComplete(label, allowed);
    // Only the checked URL is written back: text after it (a title, or a second URL that makes the
    // whole thing plain text, then autolinked by the renderer) is dropped.
    const keep = !image && allowed(url);
    return { end: after + end + 2, out: keep ? `[${shown}](${url})` : shown };
  }
  if (next === ":" && lineStart && !image) {
    const newline = text.indexOf("\n", after);
    if (newline < 0 && !final) return UNDECIDED;
    const lineEnd = newline < 0 ? text.length : newline;
    const url = destinationUrl(text.slice(after + 1, lineEnd));
    return allowed(url) ? { end: lineEnd, out: `${text.slice(i, after + 1)} ${url}` } : { end: lineEnd, out: "" };
  }
  return plain;
}

/**
 * Sanitizes `text` from its start (`before` is the character that preceded it: "\n" at the very
 * start); returns what is decided and where undecided text begins (everything when `final`).
 */
function sanitizeFrom(text: string, allowed: UrlPolicy, final: boolean, before = "\n"): { out: string; rest: number } {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const previous = i === 0 ? before : text[i - 1];
    let construct: Construct | null = null;
    if (ch === "!" && i + 1 === text.length && !final) return { out, rest: i }; // maybe an image
    if (ch === "<") construct = angle(text, i, allowed, final);
    else if (ch === "[" || (ch === "!" && text[i + 1] === "[")) {
      construct = bracket(text, i, allowed, final, previous === "\n");
    } else if ((ch === "h" || ch === "H" || ch === "w" || ch === "W") && !isWordChar(previous)) {
      if (URL_START.test(text.slice(i, i + 8))) {
        const { raw, end } = bareUrlEnd(text, i);
        if (raw >= text.length && !final) return { out, rest: i };
        construct = { end, out: allowed(text.slice(i, end)) ? text.slice(i, end) : "" };
      } else if (
        !final &&
        text.length - i < 8 &&
        /^(?:h|ht|htt|http|https|https?:|https?:\/|w|ww)$/i.test(text.slice(i))
      ) {
        return { out, rest: i }; // maybe the start of a URL
      }
    }
    if (construct === null) {
      out += ch;
      i += 1;
    } else if (construct.end < 0) {
      return { out, rest: i };
    } else {
      out += construct.out;
      i = construct.end;
    }
  }
  return { out, rest: text.length };
}

function sanitizeComplete(text: string, allowed: UrlPolicy): string {
  return sanitizeFrom(text, allowed, true).out;
}

/** `text` as it may be shown: no raw HTML, no images, no link to a URL the sources do not contain. */
export function sanitizeMarkdown(text: string, allowed: UrlPolicy): string {
  return sanitizeComplete(text, allowed);
}

export interface MarkdownSanitizer {
  /** What of the text so far can be released; a construct still open is held until it is decided. */
  push(delta: string): string;
  /** Whatever is still held, sanitized, at the end of the stream. */
  flush(): string;
}

/** The same rules on a stream: the concatenated output equals sanitizeMarkdown of the whole text. */
export function createMarkdownSanitizer(allowed: UrlPolicy): MarkdownSanitizer {
  let pending = "";
  let before = "\n";
  return {
    push(delta) {
      pending += delta;
      const { out, rest } = sanitizeFrom(pending, allowed, false, before);
      if (rest > 0) before = pending[rest - 1] as string;
      pending = pending.slice(rest);
      return out;
    },
    flush() {
      const out = sanitizeFrom(pending, allowed, true, before).out;
      pending = "";
      before = "\n";
      return out;
    },
  };
}

/** Every string of a JSON value sanitized (quiz, flashcards, case studies, structures). */
export function sanitizeStrings(value: unknown, allowed: UrlPolicy): unknown {
  if (typeof value === "string") return sanitizeMarkdown(value, allowed);
  if (Array.isArray(value)) return value.map((v) => sanitizeStrings(v, allowed));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeStrings(v, allowed)]));
  }
  return value;
}
