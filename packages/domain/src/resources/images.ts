/**
 * Images of a PDF resource (the image-indexing job "extract-images"): every embedded image of at
 * least 32 px a side, once per distinct picture, stored as WebP with a thumbnail of at most 320 px.
 * Rows are keyed by (resource, page, image index), so running the job twice adds nothing.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import type { ResourceDeps } from "./deps.ts";
import { pagesFromRawText } from "./extract.ts";
import { pdfImagesInThread } from "./extract-thread.ts";
import { MAX_IMAGE_PIXELS } from "./extraction-limits.ts";
import { imagePrefix } from "./manage.ts";
import type { PdfImage } from "./pdf.ts";
import { readStored } from "./stored.ts";

export const MIN_IMAGE_SIDE = 32;
export const THUMBNAIL_MAX_SIDE = 320;

export type ImageOutcome = { status: "done"; added: number; total: number } | { status: "skipped"; reason: string };

// [^\S\n]* and not \s*: with the m flag, \s* ran across blank lines from every line start, which
// was quadratic in the number of blank lines of a page (a hostile page held hundreds of thousands).
const CAPTION =
  /^[^\S\n]*((figure|fig\.|image|illustration|photo|tableau|table|schéma|schema|graphique|carte|map)\b.{0,160})$/imu;

/** The page's "Figure…"/"Tableau…" line, if it has one. */
export function captionOf(pageText: string): string | null {
  return CAPTION.exec(pageText)?.[1]?.trim() ?? null;
}

function pixelsOf(image: PdfImage): Buffer {
  return Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
}

function hashOf(image: PdfImage): string {
  return createHash("sha256")
    .update(`${image.width}x${image.height}x${image.channels}\n`)
    .update(pixelsOf(image))
    .digest("hex");
}

async function toWebp(image: PdfImage): Promise<{ full: Buffer; thumbnail: Buffer }> {
  const raw = {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: MAX_IMAGE_PIXELS,
  } as const;
  const [full, thumbnail] = await Promise.all([
    sharp(pixelsOf(image), raw).webp({ quality: 80 }).toBuffer(),
    sharp(pixelsOf(image), raw)
      .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer(),
  ]);
  return { full, thumbnail };
}

/** Extracts and stores the images of one resource. */
export async function indexResourceImages(deps: ResourceDeps, resourceId: string): Promise<ImageOutcome> {
  const { db, storage } = deps;
  const resource = await db.courseResource.findUnique({
    where: { id: resourceId },
    select: { id: true, courseId: true, filename: true, mimeType: true, storageKey: true, rawText: true },
  });
  if (!resource) return { status: "skipped", reason: "deleted" };
  if (resource.mimeType !== "application/pdf") return { status: "skipped", reason: "not a PDF" };

  const existing = await db.sourceImage.findMany({
    where: { resourceId },
    select: { page: true, imageIndex: true, contentHash: true },
  });
  const done = new Set(existing.map((e) => `${e.page}/${e.imageIndex}`));
  const seen = new Set(existing.map((e) => e.contentHash));
  const pageTexts = resource.rawText ? pagesFromRawText(resource.rawText, "pdf") : [];
  const prefix = imagePrefix(resource.courseId, resourceId);

  let added = 0;
  // pdf.js decodes in an extraction thread: a hostile PDF fails this job, never the worker process.
  for await (const image of pdfImagesInThread(await readStored(storage, resource.storageKey), deps.config)) {
    if (image.width < MIN_IMAGE_SIDE || image.height < MIN_IMAGE_SIDE) continue;
    if (image.width * image.height > MAX_IMAGE_PIXELS) continue;
    if (done.has(`${image.page}/${image.index}`)) continue;
    const hash = hashOf(image);
    if (seen.has(hash)) continue; // the same picture again (a logo on every page)
    seen.add(hash);
    const { full, thumbnail } = await toWebp(image);
    const key = `${prefix}/${hash}.webp`;
    const thumbnailKey = `${prefix}/${hash}-thumb.webp`;
    await Promise.all([storage.put(key, full), storage.put(thumbnailKey, thumbnail)]);
    const caption = captionOf(pageTexts[image.page - 1]?.text ?? "");
    try {
      const { count } = await db.sourceImage.createMany({
        data: {
          resourceId,
          courseId: resource.courseId,
          page: image.page,
          imageIndex: image.index,
          storageKey: key,
          thumbnailKey,
          width: image.width,
          height: image.height,
          mimeType: "image/webp",
          byteSize: full.byteLength,
          caption,
          altText: `${resource.filename}, page ${image.page}, image ${image.index + 1}`,
          contentHash: hash,
        },
        skipDuplicates: true,
      });
      added += count;
    } catch (error) {
      // The resource was deleted while its images were being extracted.
      if ((error as { code?: string }).code === "P2003") {
        await storage.deletePrefix(prefix).catch(() => undefined);
        return { status: "skipped", reason: "deleted" };
      }
      throw error;
    }
  }
  return { status: "done", added, total: existing.length + added };
}
