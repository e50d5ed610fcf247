/**
 * An illustration (a model's PNG or the offline diagram's SVG) as the WebP files served to phones:
 * 640 and 320 px wide, each within its byte budget (IMAGE_BYTE_BUDGET). Quality steps down until
 * the file fits; sharp reads at most MAX_IMAGE_PIXELS (decision 0030), so a hostile picture from a
 * provider cannot make it decode gigapixels.
 */
import { IMAGE_BYTE_BUDGET, IMAGE_WIDTHS, type ImageWidth } from "@sira/contracts";
import sharp from "sharp";
import { MAX_IMAGE_PIXELS } from "../resources/extraction-limits.ts";

/** Tried in order until the file fits its budget. */
const QUALITIES = [82, 74, 66, 58, 50, 42, 34, 26, 18];
/** The SVG is drawn at 1280 px wide: rendered at 144 dpi it is sharp at 640 px. */
const SVG_DENSITY = 144;

export interface WebpVariant {
  width: ImageWidth;
  height: number;
  bytes: Uint8Array;
  quality: number;
  /** False when even the lowest quality exceeds the budget (logged, still served). */
  withinBudget: boolean;
}

function reader(bytes: Uint8Array, mimeType: string): ReturnType<typeof sharp> {
  return sharp(bytes, {
    limitInputPixels: MAX_IMAGE_PIXELS,
    failOn: "error",
    ...(mimeType === "image/svg+xml" ? { density: SVG_DENSITY } : {}),
  });
}

/** Then, for pictures full of hard edges, a slight blur at a few qualities (fine detail costs the most bytes). */
const SOFTENED_QUALITIES = [50, 34, 18];

async function encode(bytes: Uint8Array, mimeType: string, width: ImageWidth): Promise<WebpVariant> {
  const budget = IMAGE_BYTE_BUDGET[width];
  let last: WebpVariant | undefined;
  const attempts = [
    ...QUALITIES.map((quality) => ({ quality, blur: 0 })),
    ...SOFTENED_QUALITIES.map((quality) => ({ quality, blur: 1.2 })),
  ];
  for (const { quality, blur } of attempts) {
    let image = reader(bytes, mimeType).rotate().resize({ width }).flatten({ background: "#ffffff" });
    if (blur) image = image.blur(blur);
    const { data, info } = await image
      .webp({ quality, effort: 5, smartSubsample: true })
      .toBuffer({ resolveWithObject: true });
    last = {
      width,
      height: info.height,
      bytes: new Uint8Array(data),
      quality,
      withinBudget: data.byteLength <= budget,
    };
    if (last.withinBudget) return last;
  }
  return last as WebpVariant;
}

/** The WebP at each served width, largest first. */
export async function toServedWebp(bytes: Uint8Array, mimeType: string): Promise<WebpVariant[]> {
  const widths = [...IMAGE_WIDTHS].sort((a, b) => b - a);
  const variants: WebpVariant[] = [];
  for (const width of widths) variants.push(await encode(bytes, mimeType, width));
  return variants;
}

/**
 * Width and height of an uploaded picture, after decoding it whole within the pixel cap (a cut or
 * corrupt file fails here, not on a phone): "too_large" past MAX_IMAGE_PIXELS, "corrupt" when unreadable.
 */
export async function pictureSize(
  bytes: Uint8Array,
): Promise<{ width: number; height: number } | "too_large" | "corrupt"> {
  let size: { width: number; height: number };
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) return "corrupt";
    size = { width: meta.width, height: meta.height };
  } catch {
    return "corrupt";
  }
  if (size.width * size.height > MAX_IMAGE_PIXELS) return "too_large";
  try {
    await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "truncated" }).resize(16).raw().toBuffer();
    return size;
  } catch {
    return "corrupt";
  }
}
