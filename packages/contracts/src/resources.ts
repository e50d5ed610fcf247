/**
 * Course documents (uploaded resources), their indexing status, and the images extracted from
 * them. Upload itself is a multipart REST route; everything else is shared by REST and tRPC.
 */
import { z } from "zod";
import { pageQuerySchema } from "./common.ts";
import { TocEntrySchema } from "./content.ts";

/**
 * The document kinds an upload may be, checked by content (magic bytes), not by name. `image` is a
 * JPEG or PNG photo of a handout, read by OCR.
 */
export const RESOURCE_KINDS = ["pdf", "docx", "csv", "txt", "md", "image"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const INDEX_STATUSES = ["queued", "running", "done", "failed"] as const;
export type IndexStatus = (typeof INDEX_STATUSES)[number];

export const courseResourceSchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  filename: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  mime_type: z.string(),
  byte_size: z.number().int(),
  /** SHA-256 of the bytes, hex: identical content uploaded again is detected by it. */
  content_hash: z.string(),
  page_count: z.number().int().nullable(),
  char_count: z.number().int(),
  /** The document's outline (PDF bookmarks, DOCX and Markdown headings), flattened in reading order. */
  toc_json: z.array(TocEntrySchema),
  summary_text: z.string().nullable(),
  index_status: z.enum(INDEX_STATUSES),
  index_progress_pct: z.number().int().min(0).max(100),
  /** Why the last indexing attempt failed (a short message), else null. */
  index_error: z.string().nullable(),
  chunk_count: z.number().int(),
  indexed_at: z.iso.datetime().nullable(),
  uploaded_by: z.uuid().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type CourseResourceView = z.infer<typeof courseResourceSchema>;

/** The upload's answer: `duplicate` is true when the course already had these exact bytes. */
export const uploadedResourceSchema = courseResourceSchema.extend({ duplicate: z.boolean() });
export type UploadedResource = z.infer<typeof uploadedResourceSchema>;

export const courseResourceListQuery = pageQuerySchema.extend({
  index_status: z.enum(INDEX_STATUSES).optional(),
});
export type CourseResourceListQuery = z.infer<typeof courseResourceListQuery>;

export const courseResourceParams = z.object({ course_id: z.uuid(), resource_id: z.uuid() });

export const sourceImageSchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  resource_id: z.uuid(),
  page: z.number().int().min(1),
  image_index: z.number().int().min(0),
  width: z.number().int(),
  height: z.number().int(),
  mime_type: z.string(),
  byte_size: z.number().int(),
  caption: z.string().nullable(),
  alt_text: z.string().nullable(),
  /** Paths of the full WebP image and of its thumbnail (at most 320 px wide or high). */
  url: z.string(),
  thumbnail_url: z.string().nullable(),
});
export type SourceImageView = z.infer<typeof sourceImageSchema>;

export const sourceImageListQuery = pageQuerySchema.extend({ resource_id: z.uuid().optional() });
export type SourceImageListQuery = z.infer<typeof sourceImageListQuery>;

/** How one page of a document was read: its text layer, or OCR with its confidence. */
export const resourcePageSchema = z.object({
  page: z.number().int().min(1),
  source: z.enum(["text", "ocr"]),
  language: z.enum(["fr", "en"]).nullable(),
  /** Mean word confidence of the OCR, 0..1; null for text-layer pages. */
  ocr_confidence: z.number().min(0).max(1).nullable(),
  /** Read by OCR below the confidence threshold: generation weighs its text less. */
  low_confidence: z.boolean(),
  char_count: z.number().int(),
});
export type ResourcePageView = z.infer<typeof resourcePageSchema>;

export const resourcePageListQuery = pageQuerySchema.extend({
  /** Only the pages read by OCR with low confidence (true) or the others (false). */
  low_confidence: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});
export type ResourcePageListQuery = z.infer<typeof resourcePageListQuery>;

/** A cited passage: the chunk's text and where it sits in its document (what a citation opens). */
export const resourceChunkSchema = z.object({
  id: z.uuid(),
  resource_id: z.uuid(),
  filename: z.string(),
  chunk_index: z.number().int().min(0),
  page: z.number().int().min(1).nullable(),
  chapter: z.string().nullable(),
  language: z.string(),
  /** Part of it was read by OCR with low confidence. */
  low_confidence: z.boolean(),
  content: z.string(),
});
export type ResourceChunkView = z.infer<typeof resourceChunkSchema>;

export const resourceChunkParams = courseResourceParams.extend({ chunk_id: z.uuid() });
