/**
 * A document's pages as the indexing job needs them: the text layer read by the extractor, and
 * OCR for the pages that have none (scans, photos). Each page says how it was read, in which
 * language and, for OCR, how sure the reading is; progress is reported page by page.
 */
import { detectLanguage, type PageText } from "@sira/ai";
import { AppError, type Language, type ResourceKind } from "@sira/contracts";
import { type ExtractedDocument, storable } from "./extract.ts";
import { ocrImage, ocrPdfPages } from "./ocr/index.ts";

/** How one page was read (a resource_pages row). */
export interface PageReading {
  page: number;
  source: "text" | "ocr";
  language: Language | null;
  ocrConfidence: number | null;
  lowConfidence: boolean;
  charCount: number;
}

export interface ReadDocument extends ExtractedDocument {
  readings: PageReading[];
}

/** OCR of one page may take this long (rendering and reading alike). */
const OCR_PAGE_TIMEOUT_MS = 120_000;
/** Scanned pages read for one document (about 15 minutes of OCR on one core). */
export const MAX_OCR_PAGES = 300;

const hasText = (text: string) => /[\p{L}\p{N}]/u.test(text);

function textReading(page: PageText): PageReading | null {
  if (page.page === null) return null;
  return {
    page: page.page,
    source: "text",
    language: hasText(page.text) ? detectLanguage(page.text) : null,
    ocrConfidence: null,
    lowConfidence: false,
    charCount: page.text.length,
  };
}

/**
 * Runs OCR on `doc.ocrPages` (none: the document is returned as read) and merges the result.
 * `reuse` gives pages already read by OCR in an earlier run, which are not read again.
 * FILE_EMPTY when neither the text layer nor OCR found any text.
 */
export async function readPages(
  kind: ResourceKind,
  bytes: Uint8Array,
  doc: ExtractedDocument,
  options: {
    onPage?: (done: number, total: number) => Promise<void>;
    reuse?: Map<number, { text: string; reading: PageReading }>;
    signal?: AbortSignal;
  } = {},
): Promise<ReadDocument> {
  const pages = doc.pages.map((p) => ({ ...p }));
  const readings = new Map<number, PageReading>();
  for (const page of pages) {
    const reading = textReading(page);
    if (reading) readings.set(reading.page, reading);
  }
  const wanted = doc.ocrPages ?? [];
  if (wanted.length > MAX_OCR_PAGES) {
    throw new AppError("FILE_TOO_COMPLEX", {
      fieldErrors: [{ field: "file", code: "too_complex", message: `${wanted.length} scanned pages` }],
      details: {
        en: `This document has ${wanted.length} scanned pages; at most ${MAX_OCR_PAGES} are read. Split it into several files.`,
        fr: `Ce document compte ${wanted.length} pages numérisées ; ${MAX_OCR_PAGES} au plus sont lues. Découpez-le en plusieurs fichiers.`,
      },
    });
  }
  const fresh = wanted.filter((n) => !options.reuse?.has(n));
  let done = wanted.length - fresh.length;
  const record = (number: number, text: string, reading: PageReading) => {
    const page = pages.find((p) => p.page === number);
    if (page) page.text = storable(text);
    readings.set(number, reading);
  };
  for (const number of wanted) {
    const kept = options.reuse?.get(number);
    if (kept) record(number, kept.text, kept.reading);
  }
  const ocrReading = (
    page: number,
    r: { text: string; confidence: number; language: Language; lowConfidence: boolean },
  ) =>
    ({
      page,
      source: "ocr",
      language: hasText(r.text) ? r.language : null,
      ocrConfidence: Math.round(r.confidence * 1000) / 1000,
      lowConfidence: r.lowConfidence,
      charCount: r.text.length,
    }) satisfies PageReading;
  if (fresh.length && kind === "image") {
    const result = await ocrImage(bytes, {
      timeoutMs: OCR_PAGE_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    record(1, result.text, ocrReading(1, result));
    await options.onPage?.(1, 1);
  } else if (fresh.length) {
    await ocrPdfPages(bytes, fresh, {
      pageTimeoutMs: OCR_PAGE_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      onPage: async (page, result) => {
        record(page, result.text, ocrReading(page, result));
        done += 1;
        await options.onPage?.(done, wanted.length);
      },
    });
  }
  if (!pages.some((p) => hasText(p.text))) {
    throw new AppError("FILE_EMPTY", {
      fieldErrors: [{ field: "file", code: "empty", message: "no text, even by OCR" }],
      details: {
        en: "No text was found in this document, even by reading its pages as images.",
        fr: "Aucun texte n'a été trouvé dans ce document, même en lisant ses pages comme des images.",
      },
    });
  }
  return { ...doc, pages, readings: [...readings.values()].sort((a, b) => a.page - b.page) };
}
