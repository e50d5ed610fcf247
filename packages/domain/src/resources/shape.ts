/** How a course_resources or source_image row is shown to API callers. */
import {
  type CourseResourceView,
  type IndexStatus,
  type SourceImageView,
  type TocEntry,
  TocEntrySchema,
} from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";
import { z } from "zod";
import { kindOfMime } from "./file-types.ts";

/** Every column but the raw text, which can be megabytes and is never sent. */
export const resourceSelect = {
  id: true,
  courseId: true,
  filename: true,
  tocJson: true,
  charCount: true,
  contentHash: true,
  summaryText: true,
  mimeType: true,
  byteSize: true,
  storageKey: true,
  pageCount: true,
  indexStatus: true,
  indexProgressPct: true,
  indexError: true,
  chunkCount: true,
  indexedAt: true,
  uploadedById: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.CourseResourceSelect;

export type ResourceRow = Prisma.CourseResourceGetPayload<{ select: typeof resourceSelect }>;

const tocSchema = z.array(TocEntrySchema);

export function tocOf(value: unknown): TocEntry[] {
  const parsed = tocSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export function toResourceView(row: ResourceRow): CourseResourceView {
  return {
    id: row.id,
    course_id: row.courseId,
    filename: row.filename,
    kind: kindOfMime(row.mimeType),
    mime_type: row.mimeType,
    byte_size: row.byteSize,
    content_hash: row.contentHash,
    page_count: row.pageCount,
    char_count: row.charCount,
    toc_json: tocOf(row.tocJson),
    summary_text: row.summaryText,
    index_status: row.indexStatus as IndexStatus,
    index_progress_pct: row.indexProgressPct,
    index_error: row.indexError,
    chunk_count: row.chunkCount,
    indexed_at: row.indexedAt?.toISOString() ?? null,
    uploaded_by: row.uploadedById,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export const sourceImageSelect = {
  id: true,
  courseId: true,
  resourceId: true,
  page: true,
  imageIndex: true,
  width: true,
  height: true,
  mimeType: true,
  byteSize: true,
  caption: true,
  altText: true,
  thumbnailKey: true,
} satisfies Prisma.SourceImageSelect;

export type SourceImageRow = Prisma.SourceImageGetPayload<{ select: typeof sourceImageSelect }>;

/** REST paths of an image and its thumbnail. */
export function toSourceImageView(row: SourceImageRow): SourceImageView {
  return {
    id: row.id,
    course_id: row.courseId,
    resource_id: row.resourceId,
    page: row.page,
    image_index: row.imageIndex,
    width: row.width,
    height: row.height,
    mime_type: row.mimeType,
    byte_size: row.byteSize,
    caption: row.caption,
    alt_text: row.altText,
    url: `/api/v1/source-images/${row.id}`,
    thumbnail_url: row.thumbnailKey ? `/api/v1/source-images/${row.id}/thumbnail` : null,
  };
}
