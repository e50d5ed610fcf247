/**
 * PDF reading with unpdf (pdf.js): per-page text, the outline (bookmarks) with page numbers, and
 * embedded images as raw pixels. Encrypted and unreadable files become clear 422s.
 */

import type { PageText } from "@sira/ai";
import type { TocEntry } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import { extractImages, getDocumentProxy, getResolvedPDFJS } from "unpdf";
import { MAX_IMAGE_PIXELS, MAX_OUTLINE_ENTRIES, type TextBudget } from "./extraction-limits.ts";
import { type Box, layOut, type RawPage, type Run } from "./pdf-layout/index.ts";

/** Painted shapes read per page: enough for any diagram, bounded for a hostile page. */
const MAX_SHAPES = 20_000;

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
  /** The document's title as set on its first page, when one was found. */
  title: string | null;
  /** Pages without a usable text layer (scans), to be read by OCR. */
  ocrPages: number[];
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
export async function openPdf(bytes: Uint8Array, maxImageSize = MAX_IMAGE_PIXELS): Promise<PdfDocument> {
  try {
    // Images past the pixel cap are skipped instead of decoded (pdf.js's default, -1, has no cap).
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, maxImageSize });
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

type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

interface FontFacts {
  name?: string;
  bold?: boolean;
  black?: boolean;
  isMonospace?: boolean;
}

const BOLD_NAME = /bold|black|heavy|semibold|demi|extrab/i;
const MONO_NAME = /mono|courier|consol|menlo|typewriter|code|inconsolata|\bfixed/i;

/** Painted path boxes of the page, in page space (the current transform followed through). */
function shapesOf(ops: { fnArray: number[]; argsArray: unknown[][] }, OPS: Record<string, number>): Box[] {
  type M = [number, number, number, number, number, number];
  const times = (m: M, n: M): M => [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
  const apply = (m: M, x: number, y: number) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]] as const;
  let ctm: M = [1, 0, 0, 1, 0, 0];
  const stack: M[] = [];
  const shapes: Box[] = [];
  for (let i = 0; i < ops.fnArray.length && shapes.length < MAX_SHAPES; i += 1) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] ?? [];
    if (fn === OPS.save || fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const matrix = fn === OPS.paintFormXObjectBegin ? (args[0] as M | null) : null;
      if (matrix && matrix.length === 6) ctm = times(ctm, [...matrix] as M);
    } else if (fn === OPS.restore || fn === OPS.paintFormXObjectEnd) {
      ctm = stack.pop() ?? ctm;
    } else if (fn === OPS.transform) {
      ctm = times(ctm, [...(args as number[])] as M);
    } else if (fn === OPS.constructPath) {
      const [paint, , box] = args as [number, unknown, ArrayLike<number> | null];
      if (paint === OPS.endPath || !box || box.length < 4) continue;
      const [ax, ay] = apply(ctm, box[0] as number, box[1] as number);
      const [bx, by] = apply(ctm, box[2] as number, box[3] as number);
      shapes.push({ x0: Math.min(ax, bx), y0: Math.min(ay, by), x1: Math.max(ax, bx), y1: Math.max(ay, by) });
    }
  }
  return shapes;
}

/** One page's positioned runs (with each font's weight and pitch) and painted shapes. */
async function rawPage(page: PdfPage, number: number, OPS: Record<string, number>): Promise<RawPage> {
  const [x0, y0, x1, y1] = page.view as [number, number, number, number];
  const content = await page.getTextContent();
  // Fonts' names and flags reach commonObjs once the page's operators are read.
  const ops = await page.getOperatorList();
  const fonts = new Map<string, { bold: boolean; mono: boolean }>();
  const fontOf = (id: string) => {
    let facts = fonts.get(id);
    if (!facts) {
      let font: FontFacts = {};
      try {
        font = page.commonObjs.has(id) ? (page.commonObjs.get(id) as FontFacts) : {};
      } catch {
        font = {};
      }
      const family = (content.styles as Record<string, { fontFamily?: string }>)[id]?.fontFamily ?? "";
      facts = {
        bold: Boolean(font.bold || font.black || BOLD_NAME.test(font.name ?? "")),
        mono: Boolean(font.isMonospace || family === "monospace" || MONO_NAME.test(font.name ?? "")),
      };
      fonts.set(id, facts);
    }
    return facts;
  };
  const runs: Run[] = [];
  for (const item of content.items) {
    if (!("str" in item) || !item.str) continue;
    const [a, b, c, d, e, f] = item.transform as number[];
    const size = Math.hypot(c as number, d as number) || item.height;
    const { bold, mono } = fontOf(item.fontName);
    runs.push({
      text: item.str,
      x: (e as number) - x0,
      y: (f as number) - y0,
      width: item.width,
      size,
      bold,
      mono,
      rotated: Math.abs(b as number) > 0.01 * Math.abs(a as number) || (a as number) <= 0,
    });
  }
  const shapes = shapesOf(ops, OPS).map((s) => ({ x0: s.x0 - x0, y0: s.y0 - y0, x1: s.x1 - x0, y1: s.y1 - y0 }));
  page.cleanup();
  return { page: number, width: x1 - x0, height: y1 - y0, runs, shapes };
}

const IMAGE_OPS = ["paintImageXObject", "paintInlineImageXObject", "paintImageMaskXObject", "paintImageXObjectRepeat"];

/** Those of `pages` that paint an image (a scan); their images are decoded, within the pixel cap. */
async function pagesWithImages(bytes: Uint8Array, pages: number[]): Promise<number[]> {
  const pdf = await openPdf(bytes);
  try {
    const { OPS } = await getResolvedPDFJS();
    const ops = new Set(IMAGE_OPS.map((name) => (OPS as unknown as Record<string, number>)[name]));
    const found: number[] = [];
    for (const number of pages) {
      const page = await pdf.getPage(number);
      const list = await page.getOperatorList();
      if (list.fnArray.some((fn) => ops.has(fn))) found.push(number);
      page.cleanup();
    }
    return found;
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** A page with fewer letters than this in its text layer is read by OCR, when it has images. */
export const MIN_TEXT_LAYER_LETTERS = 25;

/**
 * Text per page (1-based) through the layout analysis, page after page within the text budget,
 * and the outline: the PDF's own when it has one, else the headings found. Pages whose text layer
 * is (nearly) empty are listed in `ocrPages` for the OCR job.
 */
export async function readPdf(bytes: Uint8Array, budget: TextBudget): Promise<PdfContent> {
  // No image is decoded here: the text pass only needs the runs and the shapes.
  const pdf = await openPdf(bytes, 1);
  try {
    const { OPS } = await getResolvedPDFJS();
    const raw: RawPage[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await rawPage(await pdf.getPage(number), number, OPS as unknown as Record<string, number>);
      budget.spend(page.runs.reduce((sum, r) => sum + r.text.length, 0));
      raw.push(page);
    }
    const laidOut = layOut(raw);
    const textless = laidOut.pages
      .filter((p) => (p.text.match(/\p{L}/gu)?.length ?? 0) < MIN_TEXT_LAYER_LETTERS)
      .map((p) => p.page as number);
    const ocrPages = textless.length ? await pagesWithImages(bytes, textless) : [];
    const bookmarks = await readOutline(pdf);
    return {
      pages: laidOut.pages,
      outline: bookmarks.length ? bookmarks : laidOut.outline,
      pageCount: pdf.numPages,
      title: laidOut.title,
      ocrPages,
    };
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
