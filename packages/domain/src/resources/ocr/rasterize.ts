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
import sharp from "sharp";
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

/** The pixels of a binary PGM (P5, 8 bits), as pdftoppm writes it. */
function parsePgm(pgm: Buffer): { pixels: Buffer; width: number; height: number } {
  const fields: number[] = [];
  let at = 2;
  if (pgm.toString("latin1", 0, 2) !== "P5") throw new Error("not a binary PGM");
  while (fields.length < 3 && at < pgm.length) {
    const char = pgm[at] ?? 0;
    if (char === 0x23) {
      while (at < pgm.length && pgm[at] !== 0x0a) at += 1;
    } else if (char >= 0x30 && char <= 0x39) {
      let value = 0;
      while (at < pgm.length && (pgm[at] ?? 0) >= 0x30 && (pgm[at] ?? 0) <= 0x39) {
        value = value * 10 + (pgm[at] ?? 0) - 0x30;
        at += 1;
      }
      fields.push(value);
      continue;
    }
    at += 1;
  }
  const [width = 0, height = 0, maxValue = 0] = fields;
  // One whitespace byte ends the header.
  const pixels = pgm.subarray(at + 1);
  if (maxValue !== 255 || width * height === 0 || pixels.length < width * height) throw new Error("unexpected PGM");
  return { pixels: pixels.subarray(0, width * height), width, height };
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
    const first = pages.reduce((a, b) => Math.min(a, b));
    const last = pages.reduce((a, b) => Math.max(a, b));
    const sizes = await pageSizes(file, first, last, options);
    for (const page of pages) {
      const size = sizes.get(page);
      if (!size) throw corrupt(`page ${page} has no size (the document has fewer pages?)`);
      const dpi = pageDpi(size, limits);
      const stem = join(folder, `page-${page}`);
      // PGM and not pdftoppm's PNG: its PNG encoder takes seconds on a grainy scan (14 s for an A4
      // page of paper grain), and sharp's fast setting takes a tenth of a second.
      const args = ["-f", String(page), "-l", String(page), "-r", dpi.toFixed(3), "-cropbox", "-gray"];
      try {
        await runTool("pdftoppm", [...args, "-singlefile", file, stem], { timeoutMs, signal: options.signal });
      } catch (error) {
        if (error instanceof ToolFailedError) throw corrupt(`page ${page}: ${error.stderr.slice(-200)}`, error);
        throw error;
      }
      const pgm = await readFile(`${stem}.pgm`).catch((error: unknown) => {
        throw corrupt(`pdftoppm wrote no image for page ${page}`, error);
      });
      await unlink(`${stem}.pgm`);
      const { pixels, width, height } = parsePgm(pgm);
      const png = await sharp(pixels, { raw: { width, height, channels: 1 } })
        .toColourspace("b-w")
        .png({ compressionLevel: 1 })
        .toBuffer();
      yield { page, png, dpi, width, height };
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
