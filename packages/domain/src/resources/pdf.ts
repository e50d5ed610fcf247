/**
 * PDF reading with unpdf (pdf.js): per-page text, the outline (bookmarks) with page numbers, and
 * embedded images as raw pixels. Encrypted and unreadable files become clear 422s.
 */

import type { PageText } from "@sira/ai";
import type { TocEntry } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import { extractImages, getDocumentProxy } from "unpdf";
import { MAX_IMAGE_PIXELS, MAX_OUTLINE_ENTRIES, type TextBudget } from "./extraction-limits.ts";

// pdf.js 5 calls ArrayBuffer.prototype.transferToFixedLength (Node 22+); without it, image
// extraction silently returns nothing on Node 20.
const arrayBufferProto = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: (n?: number) => ArrayBuffer };
if (typeof arrayBufferProto.transferToFixedLength !== "function") {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length?: number): ArrayBuffer {
      const size = length ?? this.byteLength;
      const copy = new ArrayBuffer(size);
      new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(size, this.byteLength)));
      return copy;
    },
  });
}

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

export interface PdfContent {
  pages: PageText[];
  outline: TocEntry[];
  pageCount: number;
}

export interface PdfImage {
  page: number;
  index: number;
  data: Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Opens a PDF (pdf.js takes ownership of the bytes it is given, so it gets a copy). */
export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  try {
    // Images past the pixel cap are skipped instead of decoded (pdf.js's default, -1, has no cap).
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, maxImageSize: MAX_IMAGE_PIXELS });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") {
      throw new AppError("FILE_ENCRYPTED", {
        cause: error,
        fieldErrors: [{ field: "file", code: "encrypted", message: "password-protected PDF" }],
      });
    }
    throw new AppError("FILE_CORRUPT", {
      cause: error,
      fieldErrors: [{ field: "file", code: "corrupt", message: "the PDF cannot be read" }],
    });
  }
}

/** One page's text, lines ending where pdf.js marks an end of line. */
async function pageText(pdf: PdfDocument, page: number): Promise<string> {
  const content = await (await pdf.getPage(page)).getTextContent();
  let text = "";
  for (const item of content.items) {
    if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
  }
  return text;
}

/** Text per page (1-based), read page after page within the text budget, and the flattened outline. */
export async function readPdf(bytes: Uint8Array, budget: TextBudget): Promise<PdfContent> {
  const pdf = await openPdf(bytes);
  try {
    const pages: PageText[] = [];
    for (let page = 1; page <= pdf.numPages; page += 1) {
      const text = await pageText(pdf, page);
      budget.spend(text.length);
      pages.push({ page, text });
    }
    return { pages, outline: await readOutline(pdf), pageCount: pdf.numPages };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("FILE_CORRUPT", { cause: error });
  } finally {
    await pdf.loadingTask.destroy();
  }
}

interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}

async function pageOf(pdf: PdfDocument, dest: OutlineNode["dest"]): Promise<number | null> {
  try {
    const explicit = typeof dest === "string" ? await pdf.getDestination(dest) : dest;
    const target = explicit?.[0];
    if (target === undefined || target === null) return null;
    if (typeof target === "number") return target + 1;
    return (await pdf.getPageIndex(target as Parameters<PdfDocument["getPageIndex"]>[0])) + 1;
  } catch {
    return null;
  }
}

/** The outline in reading order, depth first, without recursion (outlines can nest very deep). */
async function readOutline(pdf: PdfDocument): Promise<TocEntry[]> {
  const roots = ((await pdf.getOutline()) ?? []) as OutlineNode[];
  const entries: TocEntry[] = [];
  const stack = roots.map((node) => ({ node, level: 1 })).reverse();
  while (stack.length && entries.length < MAX_OUTLINE_ENTRIES) {
    const { node, level } = stack.pop() as { node: OutlineNode; level: number };
    const title = node.title.replace(/\s+/g, " ").trim();
    if (title) entries.push({ title, level, page: await pageOf(pdf, node.dest) });
    for (let i = (node.items ?? []).length - 1; i >= 0; i -= 1) {
      stack.push({ node: node.items[i] as OutlineNode, level: level + 1 });
    }
  }
  return entries;
}

/** Every embedded image, page by page, as raw pixels. */
export async function* pdfImages(bytes: Uint8Array): AsyncGenerator<PdfImage> {
  const pdf = await openPdf(bytes);
  try {
    for (let page = 1; page <= pdf.numPages; page += 1) {
      const images = await extractImages(pdf, page);
      let index = 0;
      for (const image of images) {
        yield { page, index, data: image.data, width: image.width, height: image.height, channels: image.channels };
        index += 1;
      }
    }
  } finally {
    await pdf.loadingTask.destroy();
  }
}
