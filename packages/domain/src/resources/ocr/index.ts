/**
 * OCR for documents without a usable text layer: pages of a scanned PDF, and photos of handouts.
 * Runs Debian's pdftoppm and tesseract (installed by scripts/install-system.sh); nothing is
 * downloaded at run time. Pages are read one after another: memory holds two pages' bitmaps.
 */
import { type PreparedImage, prepareImage, preparePhoto } from "./prepare-image.ts";
import { OCR_DPI, type RasterizeOptions, rasterizePdfPages } from "./rasterize.ts";
import { readPreparedPage } from "./read-page.ts";
import type { OcrResult } from "./tesseract.ts";

export {
  assertReadablePhoto,
  MAX_PHOTO_PIXELS,
  type PhotoInfo,
  type PreparedImage,
  prepareImage,
  preparePhoto,
} from "./prepare-image.ts";
export { MAX_PAGE_PIXELS, OCR_DPI, type RasterizedPage, rasterizePdfPages } from "./rasterize.ts";
export { ToolMissingError } from "./run-tool.ts";
export {
  LOW_CONFIDENCE_LINE,
  LOW_CONFIDENCE_PAGE,
  type OcrLine,
  type OcrResult,
  recognize,
} from "./tesseract.ts";

export interface OcrPage extends OcrResult {
  /** 1-based page number. */
  page: number;
}

export interface OcrPdfOptions {
  /** Called after each page is read, in the order of `pages` (for progress). */
  onPage?: (page: number, result: OcrResult) => void | Promise<void>;
  /** Deadline for each page, for rendering and for reading alike. */
  pageTimeoutMs?: number;
  rasterize?: Omit<RasterizeOptions, "signal" | "timeoutMs">;
  signal?: AbortSignal;
}

interface PreparedPage {
  page: number;
  dpi: number;
  prepared: PreparedImage;
}

/**
 * Reads the given pages (1-based) of a PDF by OCR, in order. The next page is rendered and
 * prepared while Tesseract reads the current one.
 */
export async function ocrPdfPages(bytes: Uint8Array, pages: number[], options: OcrPdfOptions = {}): Promise<OcrPage[]> {
  const { signal, pageTimeoutMs: timeoutMs } = options;
  const rasters = rasterizePdfPages(bytes, pages, { ...options.rasterize, signal, timeoutMs });
  const prepareNext = async (): Promise<PreparedPage | null> => {
    const next = await rasters.next();
    if (next.done) return null;
    return { page: next.value.page, dpi: next.value.dpi, prepared: await prepareImage(next.value.png) };
  };
  const results: OcrPage[] = [];
  let upcoming = prepareNext();
  try {
    for (let current = await upcoming; current !== null; current = await upcoming) {
      upcoming = prepareNext();
      // Settled later, or dropped when this page fails: never an unhandled rejection meanwhile.
      upcoming.catch(() => {});
      const { page, dpi, prepared } = current;
      const result = await readPreparedPage(prepared, { dpi: dpi * prepared.scale, signal, timeoutMs });
      results.push({ page, ...result });
      await options.onPage?.(page, result);
    }
  } finally {
    // Waits for a page still being rendered, then removes the temporary folder.
    await upcoming.catch(() => null);
    await rasters.return(undefined);
  }
  return results;
}

/** Reads a photo of a handout (JPEG or PNG) by OCR. */
export async function ocrImage(
  bytes: Uint8Array,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<OcrResult> {
  const prepared = await preparePhoto(bytes);
  // With its lines about TARGET_LINE_PITCH apart, the photo reads like a page scanned at 300 dpi.
  const dpi = prepared.linePitch === null ? undefined : OCR_DPI;
  return readPreparedPage(prepared, { ...options, dpi });
}
