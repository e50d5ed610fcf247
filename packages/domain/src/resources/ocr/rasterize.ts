/**
 * PDF pages to grayscale PNGs with poppler's pdftoppm, one page at a time, for OCR. Pages are
 * rendered at 300 dpi unless that would pass the pixel caps: a poster-sized page is rendered at a
 * lower resolution instead of as a giant bitmap. The PDF is written to a private temporary folder,
 * removed when the pages have been read (or the reader stops early).
 */
import { mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@sira/contracts/errors";
import { runTool, ToolFailedError } from "./run-tool.ts";

/** Tesseract reads body text best at about 300 dpi (10 pt capitals are then ~30 px high). */
export const OCR_DPI = 300;
/** Pixels of one rendered page: A3 at 300 dpi is 17.4 million, so A3 and smaller keep 300 dpi. */
export const MAX_PAGE_PIXELS = 18_000_000;
/** Longest side of a rendered page; Tesseract refuses images past 32,767 px a side. */
export const MAX_PAGE_SIDE = 10_000;
const PAGE_TIMEOUT_MS = 60_000;
const PDFINFO_TIMEOUT_MS = 30_000;

export interface RasterizeOptions {
  dpi?: number;
  maxPixels?: number;
  maxSide?: number;
  /** Deadline for each page's rendering; past it the document is refused (FILE_TOO_COMPLEX). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Where the private temporary folder is made (the system's temporary folder by default). */
  tempRoot?: string;
}

export interface RasterizedPage {
  /** 1-based page number. */
  page: number;
  /** Grayscale PNG. */
  png: Buffer;
  /** The resolution it was rendered at (below OCR_DPI when the page is large). */
  dpi: number;
  width: number;
  height: number;
}

interface PageSize {
  widthPt: number;
  heightPt: number;
}

function corrupt(why: string, cause?: unknown): AppError {
  return new AppError("FILE_CORRUPT", {
    cause,
    fieldErrors: [{ field: "file", code: "corrupt", message: `the PDF cannot be rendered: ${why}` }],
  });
}

/** The resolution that keeps a page of this size within the caps, at most `dpi`. */
export function pageDpi(size: PageSize, limits: { dpi: number; maxPixels: number; maxSide: number }): number {
  const widthIn = size.widthPt / 72;
  const heightIn = size.heightPt / 72;
  const byPixels = Math.sqrt(limits.maxPixels / (widthIn * heightIn));
  const bySide = limits.maxSide / Math.max(widthIn, heightIn);
  // A hair under the exact bound: pdftoppm rounds each side up to a whole pixel.
  return Math.max(1, Math.min(limits.dpi, byPixels * 0.999, bySide * 0.999));
}

/** Crop-box sizes (in points) of pages first..last, from pdfinfo. */
async function pageSizes(
  file: string,
  first: number,
  last: number,
  options: RasterizeOptions,
): Promise<Map<number, PageSize>> {
  let out: string;
  try {
    const args = ["-f", String(first), "-l", String(last), file];
    out = (await runTool("pdfinfo", args, { timeoutMs: PDFINFO_TIMEOUT_MS, signal: options.signal })).toString(
      "latin1",
    );
  } catch (error) {
    if (error instanceof ToolFailedError) throw corrupt(`pdfinfo: ${error.stderr.slice(-200)}`, error);
    throw error;
  }
  const sizes = new Map<number, PageSize>();
  for (const match of out.matchAll(/^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts/gm)) {
    const widthPt = Number(match[2]);
    const heightPt = Number(match[3]);
    if (widthPt > 0 && heightPt > 0) sizes.set(Number(match[1]), { widthPt, heightPt });
  }
  return sizes;
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Renders the given pages (1-based, in the order given) as grayscale PNGs, one at a time.
 * FILE_CORRUPT when pdftoppm cannot render a page, FILE_TOO_COMPLEX past the page deadline.
 */
export async function* rasterizePdfPages(
  bytes: Uint8Array,
  pages: number[],
  options: RasterizeOptions = {},
): AsyncGenerator<RasterizedPage> {
  if (pages.length === 0) return;
  for (const page of pages) {
    if (!Number.isInteger(page) || page < 1) throw new RangeError(`not a page number: ${page}`);
  }
  const limits = {
    dpi: options.dpi ?? OCR_DPI,
    maxPixels: options.maxPixels ?? MAX_PAGE_PIXELS,
    maxSide: options.maxSide ?? MAX_PAGE_SIDE,
  };
  const timeoutMs = options.timeoutMs ?? PAGE_TIMEOUT_MS;
  const folder = await mkdtemp(join(options.tempRoot ?? tmpdir(), "sira-ocr-"));
  try {
    const file = join(folder, "document.pdf");
    await writeFile(file, bytes, { mode: 0o600 });
    const sizes = await pageSizes(file, Math.min(...pages), Math.max(...pages), options);
    for (const page of pages) {
      const size = sizes.get(page);
      if (!size) throw corrupt(`page ${page} has no size (the document has fewer pages?)`);
      const dpi = pageDpi(size, limits);
      const stem = join(folder, `page-${page}`);
      const args = ["-f", String(page), "-l", String(page), "-r", dpi.toFixed(3), "-cropbox", "-gray", "-png"];
      try {
        await runTool("pdftoppm", [...args, "-singlefile", file, stem], { timeoutMs, signal: options.signal });
      } catch (error) {
        if (error instanceof ToolFailedError) throw corrupt(`page ${page}: ${error.stderr.slice(-200)}`, error);
        throw error;
      }
      const png = await readFile(`${stem}.png`).catch((error: unknown) => {
        throw corrupt(`pdftoppm wrote no image for page ${page}`, error);
      });
      await unlink(`${stem}.png`);
      yield { page, png, dpi, ...pngSize(png) };
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
