/**
 * Text out of an accepted document: pages (PDF pages; CSV pseudo-pages of rows; one page for
 * DOCX, TXT and Markdown, whose page is null), the outline, and what is stored with the resource.
 */
// Narrow entry points: this module also loads in the extraction thread, where every import costs.
import type { PageText } from "@sira/ai";
import { atxHeading } from "@sira/ai/markdown";
import type { ResourceKind, TocEntry } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import mammoth from "mammoth";
import { parseCsv } from "./csv.ts";
import { assertSafeZip } from "./docx-zip.ts";
import {
  CSV_MAX_LABEL_CHARS,
  capLineLength,
  MAX_OUTLINE_ENTRIES,
  MAX_TITLE_CHARS,
  TextBudget,
} from "./extraction-limits.ts";
import { readPdf } from "./pdf.ts";
import { summarize } from "./summary.ts";

export interface ExtractedDocument {
  pages: PageText[];
  outline: TocEntry[];
  pageCount: number | null;
}

/** What the course_resources row keeps of an extraction. */
export interface StoredExtraction {
  rawText: string;
  tocJson: TocEntry[];
  charCount: number;
  summaryText: string;
  pageCount: number | null;
}

/** Rows of a CSV grouped into one pseudo-page. */
export const CSV_ROWS_PER_PAGE = 50;
const PAGE_BREAK = "\f";

/**
 * Reads the document; FILE_CORRUPT when it cannot be, FILE_EMPTY when it holds no text,
 * FILE_TEXT_TOO_LONG past MAX_TEXT_CHARS. Lines and the outline are capped (extraction-limits.ts).
 * This runs on the calling thread: requests and jobs go through extractInThread.
 */
export async function extractDocument(kind: ResourceKind, bytes: Uint8Array): Promise<ExtractedDocument> {
  const doc = capped(await read(kind, bytes, new TextBudget()));
  if (!doc.pages.some((p) => /[\p{L}\p{N}]/u.test(p.text))) {
    throw new AppError("FILE_EMPTY", {
      fieldErrors: [{ field: "file", code: "empty", message: "no extractable text" }],
      details:
        kind === "pdf"
          ? {
              en: "This PDF contains no extractable text (a scan?). Upload a PDF with a text layer.",
              fr: "Ce PDF ne contient aucun texte exploitable (un scan ?). Déposez un PDF avec une couche texte.",
            }
          : {},
    });
  }
  return doc;
}

/** The document within the line, total and outline caps. */
function capped(doc: ExtractedDocument): ExtractedDocument {
  const budget = new TextBudget();
  const pages = doc.pages.map((p) => {
    const text = capLineLength(p.text);
    budget.spend(text.length);
    return { ...p, text };
  });
  const outline = doc.outline
    .slice(0, MAX_OUTLINE_ENTRIES)
    .map((e) => (e.title.length > MAX_TITLE_CHARS ? { ...e, title: e.title.slice(0, MAX_TITLE_CHARS).trimEnd() } : e));
  return { ...doc, pages, outline };
}

async function read(kind: ResourceKind, bytes: Uint8Array, budget: TextBudget): Promise<ExtractedDocument> {
  switch (kind) {
    case "pdf":
      return readPdf(bytes, budget);
    case "docx":
      return readDocx(bytes);
    case "csv":
      return readCsv(decodeText(bytes), budget);
    case "md":
      return readMarkdown(decodeText(bytes));
    case "txt":
      return { pages: [{ page: null, text: normalizeNewlines(decodeText(bytes)) }], outline: [], pageCount: null };
  }
}

/** Everything the row stores: raw text with pages separated by form feeds, outline, summary. */
export function toStoredExtraction(doc: ExtractedDocument): StoredExtraction {
  const rawText = doc.pages.map((p) => p.text.replaceAll(PAGE_BREAK, " ")).join(PAGE_BREAK);
  return {
    rawText,
    tocJson: doc.outline,
    charCount: doc.pages.reduce((sum, p) => sum + p.text.length, 0),
    summaryText: summarize(doc.pages, doc.outline),
    pageCount: doc.pageCount,
  };
}

/** The pages back from a stored raw text: PDF pages are numbered, other formats have none. */
export function pagesFromRawText(rawText: string, kind: ResourceKind): PageText[] {
  return rawText.split(PAGE_BREAK).map((text, i) => ({ page: kind === "pdf" ? i + 1 : null, text }));
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function readMarkdown(text: string): ExtractedDocument {
  const body = normalizeNewlines(text);
  const outline: TocEntry[] = [];
  let fenced = false;
  for (const line of body.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : atxHeading(line);
    if (heading) outline.push({ title: heading.title, level: heading.level, page: null });
  }
  return { pages: [{ page: null, text: body }], outline, pageCount: null };
}

/** A column name as repeated on each row: short, so a long header cannot multiply the text. */
function csvLabel(name: string, i: number): string {
  const label = name.replace(/\s+/g, " ").trim() || `column ${i + 1}`;
  return label.length > CSV_MAX_LABEL_CHARS ? `${label.slice(0, CSV_MAX_LABEL_CHARS - 1).trimEnd()}…` : label;
}

/** Each row as "name: value" lines (empty cells left out), counted against the text budget. */
function readCsv(text: string, budget: TextBudget): ExtractedDocument {
  const rows = parseCsv(normalizeNewlines(text)).filter((r) => r.some((cell) => cell.trim() !== ""));
  const [header = [], ...records] = rows;
  const names = header.map(csvLabel);
  const lines = records.map((record) => {
    const line = record
      .map((value, i) => [names[i] ?? `column ${i + 1}`, value.trim()] as const)
      .filter(([, value]) => value !== "")
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n");
    budget.spend(line.length + 2);
    return line;
  });
  const pages: PageText[] = [];
  for (let i = 0; i < lines.length; i += CSV_ROWS_PER_PAGE) {
    pages.push({ page: null, text: lines.slice(i, i + CSV_ROWS_PER_PAGE).join("\n\n") });
  }
  return { pages: pages.length ? pages : [{ page: null, text: "" }], outline: [], pageCount: null };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function htmlText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+/g, " ")
    .trim();
}

/** DOCX through mammoth's HTML: block elements become paragraphs, h1-h3 the outline. */
async function readDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  assertSafeZip(bytes);
  let html: string;
  try {
    // Images are left out of the HTML: only text is kept, and base64 copies would cost memory.
    const convertImage = mammoth.images.imgElement(async () => ({ src: "" }));
    ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { convertImage }));
  } catch (error) {
    throw new AppError("FILE_CORRUPT", {
      cause: error,
      fieldErrors: [{ field: "file", code: "corrupt", message: "the DOCX cannot be read" }],
    });
  }
  const outline: TocEntry[] = [];
  const blocks: string[] = [];
  for (const match of html.matchAll(/<(h[1-6]|p|li|td|th)\b[^>]*>([\s\S]*?)<\/\1>/gi)) {
    const tag = (match[1] ?? "").toLowerCase();
    const text = htmlText(match[2] ?? "");
    if (!text) continue;
    blocks.push(text);
    const level = tag.startsWith("h") ? Number(tag.slice(1)) : 0;
    if (level >= 1 && level <= 3) outline.push({ title: text, level, page: null });
  }
  return { pages: [{ page: null, text: blocks.join("\n\n") }], outline, pageCount: null };
}
