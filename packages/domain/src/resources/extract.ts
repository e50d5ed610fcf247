/**
 * Text out of an accepted document: pages (PDF pages; CSV pseudo-pages of rows; one page for
 * DOCX, TXT and Markdown, whose page is null; one page for a photo), the outline, and what is
 * stored with the resource. Pages without a text layer (scans, photos) are listed for OCR, which
 * the indexing job runs.
 */
// Narrow entry points: this module also loads in the extraction thread, where every import costs.
import type { PageText } from "@sira/ai";
import { atxHeading } from "@sira/ai/markdown";
import type { ResourceKind, TocEntry } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import { clipText } from "@sira/contracts/text";
import { parseCsv } from "./csv.ts";
import { readDocx } from "./docx.ts";
import {
  CSV_MAX_LABEL_CHARS,
  capLineLength,
  MAX_OUTLINE_ENTRIES,
  MAX_TITLE_CHARS,
  TextBudget,
} from "./extraction-limits.ts";
import { assertReadablePhoto } from "./ocr/prepare-image.ts";
import { readPdf } from "./pdf.ts";
import { summarize } from "./summary.ts";

export interface ExtractedDocument {
  pages: PageText[];
  outline: TocEntry[];
  pageCount: number | null;
  /** The title set on the first page (PDF), when one was found. */
  title?: string | null;
  /** Pages to read by OCR: scanned PDF pages, or page 1 of a photo. */
  ocrPages?: number[];
}

/**
 * The extractor's version, kept with the text it produced: a re-index reads documents extracted by
 * an older version again (1: plain pdf.js text; 2: layout analysis, OCR, DOCX structure).
 */
export const EXTRACTOR_VERSION = 2;

/** What the course_resources row keeps of an extraction. */
export interface StoredExtraction {
  rawText: string;
  tocJson: TocEntry[];
  charCount: number;
  summaryText: string;
  pageCount: number | null;
  extractorVersion: number;
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
  // A scan is not empty yet: OCR decides.
  if (!doc.ocrPages?.length && !doc.pages.some((p) => /[\p{L}\p{N}]/u.test(p.text))) {
    throw new AppError("FILE_EMPTY", {
      fieldErrors: [{ field: "file", code: "empty", message: "no extractable text" }],
      details:
        kind === "pdf"
          ? {
              en: "This PDF holds neither text nor scanned pages: there is nothing to read in it.",
              fr: "Ce PDF ne contient ni texte ni pages numérisées : il n'y a rien à y lire.",
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
    const text = capLineLength(storable(p.text));
    budget.spend(text.length);
    return { ...p, text };
  });
  const outline = doc.outline.slice(0, MAX_OUTLINE_ENTRIES).map((e) => {
    const title = storable(e.title).replace(/\s+/g, " ").trim();
    return { ...e, title: title.length > MAX_TITLE_CHARS ? clipText(title, MAX_TITLE_CHARS).trimEnd() : title };
  });
  return { ...doc, pages, outline: outline.filter((e) => e.title) };
}

// NUL cannot be stored in a PostgreSQL text column; other control characters (a PDF's broken
// encodings, a DOCX's field codes) are noise. Tabs, line and page breaks stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g;

/** Text PostgreSQL stores and JSON carries: no NUL or control characters, no lone surrogates. */
export function storable(text: string): string {
  // String#toWellFormed (Node 20+) is past some packages' ES library setting.
  return (text.replace(CONTROL, "") as string & { toWellFormed(): string }).toWellFormed();
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
    case "image":
      await assertReadablePhoto(bytes);
      return { pages: [{ page: 1, text: "" }], outline: [], pageCount: 1, ocrPages: [1] };
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
    extractorVersion: EXTRACTOR_VERSION,
  };
}

/** The pages back from a stored raw text: PDF pages and photos are numbered, other formats have none. */
export function pagesFromRawText(rawText: string, kind: ResourceKind): PageText[] {
  const numbered = kind === "pdf" || kind === "image";
  return rawText.split(PAGE_BREAK).map((text, i) => ({ page: numbered ? i + 1 : null, text }));
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
  return label.length > CSV_MAX_LABEL_CHARS ? `${clipText(label, CSV_MAX_LABEL_CHARS - 1).trimEnd()}…` : label;
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
