/**
 * Images made ready for Tesseract: photos of handouts (JPEG or PNG) and rendered pages of scanned
 * PDFs alike, since a scanned PDF is often a phone photo inside a page. The image is turned
 * upright (EXIF), grey, levelled (the measured tilt undone), scaled so that text lines are about
 * TARGET_LINE_PITCH apart, and its paper evened out to white, within a pixel cap.
 *
 * Measured on generated photos (packages/domain/test/resources/corpus/scans.ts: 700 to
 * 4,000 px wide, tilted 1-2.5°, blurred, paper grain of ±16 or ±28 levels): sent to Tesseract as
 * they are, many lose whole paragraphs (mean character accuracy 0.79 with light grain, 0.17 with
 * heavy grain); prepared, they read at 0.99 and 0.95.
 */
import { AppError } from "@sira/contracts/errors";
import sharp, { type KernelEnum, type Metadata, type Sharp } from "sharp";
import { clearBorder, otsuThreshold } from "./clear-border.ts";
import { flattenBackground } from "./flatten-background.ts";
import { measurePageGeometry } from "./page-geometry.ts";
import { MAX_PAGE_PIXELS, MAX_PAGE_SIDE } from "./rasterize.ts";

/** Pixels of a photo we decode: 50 million covers the 48-50 MP modes of current phones. */
export const MAX_PHOTO_PIXELS = 50_000_000;
/** Distance between text lines in the prepared image: 10 pt at 300 dpi, with 1.2 line spacing. */
export const TARGET_LINE_PITCH = 50;
/** Text this close to the target size is read as it is (resampling blurs it a little). */
const KEEP_SCALE = { min: 0.7, max: 1.4 };
const MAX_UPSCALE = 4;
const MIN_DOWNSCALE = 1 / 3;
/** Longest side of the copy the tilt and line spacing are measured on. */
const ANALYSIS_SIDE = 1600;

export interface PhotoInfo {
  format: "jpeg" | "png";
  /** Upright size, after the EXIF orientation. */
  width: number;
  height: number;
}

export interface PreparedImage {
  /** The page levelled, scaled and evened out: grey, one byte a pixel. */
  pixels: Buffer;
  width: number;
  height: number;
  /** Factor applied to the upright image. */
  scale: number;
  /** Tilt undone, in degrees clockwise. */
  skewDegrees: number;
  /** Measured distance between text lines, in pixels of the original; null when none was found. */
  linePitch: number | null;
  /** Rows of text seen on the page before reading it (0 when no regular lines were found). */
  textLines: number;
}

function corrupt(why: string, cause?: unknown): AppError {
  return new AppError("FILE_CORRUPT", {
    cause,
    fieldErrors: [{ field: "file", code: "corrupt", message: `the image cannot be read: ${why}` }],
  });
}

function tooManyPixels(pixels: number): AppError {
  const millions = MAX_PHOTO_PIXELS / 1_000_000;
  return new AppError("FILE_TOO_COMPLEX", {
    fieldErrors: [
      { field: "file", code: "too_many_pixels", message: `${pixels} pixels, more than ${MAX_PHOTO_PIXELS}` },
    ],
    details: {
      en: `The image has more than ${millions} million pixels. Send a smaller photo.`,
      fr: `L'image compte plus de ${millions} millions de pixels. Envoyez une photo plus petite.`,
    },
  });
}

function open(bytes: Uint8Array): Sharp {
  // failOn "warning" (sharp's default, named here on purpose): a truncated photo is refused.
  return sharp(bytes, { autoOrient: true, limitInputPixels: MAX_PHOTO_PIXELS, failOn: "warning" });
}

/**
 * Checks that `bytes` is a JPEG or PNG that decodes whole, within MAX_PHOTO_PIXELS: FILE_CORRUPT
 * otherwise, or FILE_TOO_COMPLEX for too many pixels.
 */
export async function assertReadablePhoto(bytes: Uint8Array): Promise<PhotoInfo> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (error) {
    throw corrupt("not an image", error);
  }
  if (metadata.format !== "jpeg" && metadata.format !== "png") throw corrupt(`${metadata.format}, not JPEG or PNG`);
  const pixels = metadata.width * metadata.height;
  if (!(pixels > 0)) throw corrupt("no pixels");
  if (pixels > MAX_PHOTO_PIXELS) throw tooManyPixels(pixels);
  try {
    // Decodes every byte (JPEG shrinks while decoding, so this stays cheap): truncation shows here.
    await open(bytes).resize({ width: 64, height: 64, fit: "inside" }).raw().toBuffer();
  } catch (error) {
    throw corrupt("the pixel data is damaged", error);
  }
  return { format: metadata.format, width: metadata.autoOrient.width, height: metadata.autoOrient.height };
}

/** The scale that brings lines TARGET_LINE_PITCH apart, within the pixel and side caps. */
function scaleFor(linePitch: number | null, width: number, height: number): number {
  let wanted = linePitch ? TARGET_LINE_PITCH / linePitch : 1;
  if (wanted >= KEEP_SCALE.min && wanted <= KEEP_SCALE.max) wanted = 1;
  wanted = Math.min(MAX_UPSCALE, Math.max(MIN_DOWNSCALE, wanted));
  // 0.95: levelling the page adds a few pixels around it.
  const byPixels = Math.sqrt((0.95 * MAX_PAGE_PIXELS) / (width * height));
  const bySide = MAX_PAGE_SIDE / Math.max(width, height);
  return Math.min(wanted, byPixels, bySide);
}

/** The image grey, one byte a pixel, at `size`; transparency over white. */
function grayPixels(bytes: Uint8Array, size: { width: number; height: number }, kernel: keyof KernelEnum) {
  return open(bytes)
    .flatten({ background: "#ffffff" })
    .resize(size.width, size.height, { fit: "fill", kernel })
    .toColourspace("b-w")
    .raw()
    .toBuffer();
}

/** Tilt and line spacing, measured on a copy at most ANALYSIS_SIDE pixels long. */
async function measure(bytes: Uint8Array, width: number, height: number) {
  const factor = Math.min(1, ANALYSIS_SIDE / Math.max(width, height));
  const size = { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
  const gray = await grayPixels(bytes, size, "mitchell");
  const flat = await flattenBackground(gray, size.width, size.height, Math.max(size.width, size.height) / 30);
  const { skewDegrees, linePitch, textLines } = measurePageGeometry(flat, size.width, size.height);
  return { skewDegrees, textLines, linePitch: linePitch === null ? null : linePitch / factor };
}

/**
 * Any image sharp decodes (a rendered PDF page, a photo already checked by assertReadablePhoto),
 * made ready for Tesseract. FILE_CORRUPT when it cannot be decoded.
 */
export async function prepareImage(bytes: Uint8Array): Promise<PreparedImage> {
  try {
    const { autoOrient } = await sharp(bytes).metadata();
    const { skewDegrees, linePitch, textLines } = await measure(bytes, autoOrient.width, autoOrient.height);
    const scale = scaleFor(linePitch, autoOrient.width, autoOrient.height);
    const size = {
      width: Math.max(1, Math.round(autoOrient.width * scale)),
      height: Math.max(1, Math.round(autoOrient.height * scale)),
    };
    let gray = await grayPixels(bytes, size, scale > 1 ? "lanczos3" : "mitchell");
    if (skewDegrees !== 0) {
      const level = await sharp(gray, { raw: { ...size, channels: 1 } })
        .rotate(-skewDegrees, { background: "#ffffff" })
        .toColourspace("b-w")
        .raw()
        .toBuffer({ resolveWithObject: true });
      gray = level.data;
      size.width = level.info.width;
      size.height = level.info.height;
    }
    // Cells of about two lines: enough paper in each, and small enough to follow the light.
    const cell = linePitch === null ? Math.max(size.width, size.height) / 30 : 2 * linePitch * scale;
    const pixels = await flattenBackground(gray, size.width, size.height, cell);
    return { pixels, ...size, scale, skewDegrees, linePitch, textLines };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw corrupt("the pixel data is damaged", error);
  }
}

/** The prepared page as a grayscale PNG: what Tesseract reads first. */
export function grayPng(prepared: PreparedImage): Promise<Buffer> {
  return sharp(prepared.pixels, { raw: { width: prepared.width, height: prepared.height, channels: 1 } })
    .toColourspace("b-w")
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * The prepared page in black and white: Otsu's threshold, isolated specks removed (median of
 * 3×3), and the dark surround of a photographed page cleared. Tesseract's layout analysis can
 * take a grainy grey page for a picture and drop its text; this image is its second chance.
 */
export async function binaryPng(prepared: PreparedImage): Promise<Buffer> {
  const { width, height } = prepared;
  const threshold = otsuThreshold(prepared.pixels);
  const binary = Buffer.alloc(prepared.pixels.length);
  for (let i = 0; i < binary.length; i += 1) binary[i] = (prepared.pixels[i] ?? 255) < threshold ? 0 : 255;
  const despeckled = await sharp(binary, { raw: { width, height, channels: 1 } })
    .median(3)
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  return sharp(clearBorder(despeckled, width, height), { raw: { width, height, channels: 1 } })
    .toColourspace("b-w")
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** A photo of a handout made ready for Tesseract; refuses what assertReadablePhoto refuses. */
export async function preparePhoto(bytes: Uint8Array): Promise<PreparedImage> {
  await assertReadablePhoto(bytes);
  return prepareImage(bytes);
}
