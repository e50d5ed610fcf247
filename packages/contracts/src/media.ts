/**
 * Generated illustrations (lessons and modules) and a module's attached media: uploaded images,
 * audio and PDFs, video links, and references to a source or generated image. Bytes are served by
 * hand-written REST routes; everything else is shared by REST and tRPC.
 */
import { z } from "zod";
import { languageSchema, pageQuerySchema } from "./common.ts";

export const GENERATED_IMAGE_STATUSES = ["pending", "generating", "ready", "failed"] as const;
export type GeneratedImageStatus = (typeof GENERATED_IMAGE_STATUSES)[number];

/** The widths an illustration is served at, as WebP. */
export const IMAGE_WIDTHS = [320, 640] as const;
export type ImageWidth = (typeof IMAGE_WIDTHS)[number];
/** The byte budget of each width: a 2G phone loads the small one in a few seconds. */
export const IMAGE_BYTE_BUDGET: Record<ImageWidth, number> = { 320: 20 * 1024, 640: 50 * 1024 };

export const generatedImageSchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  module_id: z.uuid().nullable(),
  /** The lesson (generated content) it illustrates; null for a module's illustration. */
  content_id: z.uuid().nullable(),
  status: z.enum(GENERATED_IMAGE_STATUSES),
  provider: z.string(),
  model: z.string().nullable(),
  /** Of the 640 px image. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  byte_size: z.number().int().nullable(),
  alt_fr: z.string().nullable(),
  alt_en: z.string().nullable(),
  /** The alt text in the request's language. */
  alt: z.string().nullable(),
  error: z.string().nullable(),
  /** The 640 px WebP and the 320 px one, once ready (the path changes with the image). */
  url: z.string().nullable(),
  thumbnail_url: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type GeneratedImageView = z.infer<typeof generatedImageSchema>;

export const imageIdParams = z.object({ image_id: z.uuid() });
export const lessonImageParams = z.object({ content_id: z.uuid() });
export const moduleImageInput = z.strictObject({
  /** The language of the diagram's labels (default: the course's first language). */
  language: languageSchema.optional(),
});

export const imageFileQuery = z.object({
  width: z.coerce
    .number()
    .int()
    .refine((w) => (IMAGE_WIDTHS as readonly number[]).includes(w), "width must be 320 or 640")
    .default(640),
  /** The image's version in its URL: another one is 404; without it the bytes are not cached for good. */
  v: z.string().max(64).optional(),
});

export const MEDIA_TYPES = ["image", "audio", "video", "document", "link"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
export const MEDIA_STATUSES = ["processing", "ready", "failed"] as const;
export const MEDIA_SOURCES = ["upload", "link", "source_image", "generated_image"] as const;

export const MEDIA_TITLE_MAX = 200;
export const MEDIA_DESCRIPTION_MAX = 2_000;
/** A day: longer durations are typing mistakes. */
export const MEDIA_MAX_DURATION_MS = 24 * 3600 * 1000;

const title = z.string().trim().min(1).max(MEDIA_TITLE_MAX);
const description = z.string().trim().max(MEDIA_DESCRIPTION_MAX);
const durationMs = z.number().int().min(0).max(MEDIA_MAX_DURATION_MS);

/** An https address, at most 2,048 characters, without credentials. */
export const httpsUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: "must be an https:// address" }))
  .refine((value) => {
    // Runs after a failed URL check too: an unparsable value is that check's to report.
    const url = URL.parse(value);
    return url === null || (url.username === "" && url.password === "");
  }, "must not carry credentials");

export const moduleMediaSchema = z.object({
  id: z.uuid(),
  module_id: z.uuid(),
  media_type: z.enum(MEDIA_TYPES),
  source: z.enum(MEDIA_SOURCES),
  title_fr: z.string(),
  title_en: z.string(),
  title: z.string(),
  description_fr: z.string().nullable(),
  description_en: z.string().nullable(),
  description: z.string().nullable(),
  /** The language of the media itself; null for both. */
  language: languageSchema.nullable(),
  /** Where to get it: the file route, the image route, or the external address. */
  url: z.string(),
  external_url: z.string().nullable(),
  source_image_id: z.uuid().nullable(),
  generated_image_id: z.uuid().nullable(),
  mime_type: z.string().nullable(),
  byte_size: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  summary_fr: z.string().nullable(),
  summary_en: z.string().nullable(),
  summary: z.string().nullable(),
  /** `processing` while its summary is written; the media itself is usable at once. */
  status: z.enum(MEDIA_STATUSES),
  sort_order: z.number().int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type ModuleMediaView = z.infer<typeof moduleMediaSchema>;

export const moduleMediaParams = z.object({ module_id: z.uuid() });
export const mediaIdParams = z.object({ media_id: z.uuid() });
export const moduleMediaListQuery = pageQuerySchema;

/** The text fields of an upload, sent as multipart fields before the file. */
export const mediaUploadFields = z.strictObject({
  title_fr: title,
  title_en: title,
  description_fr: description.optional(),
  description_en: description.optional(),
  language: languageSchema.optional(),
  duration_ms: z.coerce.number().pipe(durationMs).optional(),
});
export type MediaUploadFields = z.infer<typeof mediaUploadFields>;

/** A video or web link (https only), or an image of the course already stored. Exactly one source. */
export const createMediaReferenceInput = z
  .strictObject({
    /** `video` or `link` for an address; an image reference is always `image`. */
    media_type: z.enum(["video", "link"]).optional(),
    external_url: httpsUrlSchema.optional(),
    source_image_id: z.uuid().optional(),
    generated_image_id: z.uuid().optional(),
    title_fr: title,
    title_en: title,
    description_fr: description.optional(),
    description_en: description.optional(),
    language: languageSchema.optional(),
    duration_ms: durationMs.optional(),
  })
  .refine(
    (v) => [v.external_url, v.source_image_id, v.generated_image_id].filter((x) => x !== undefined).length === 1,
    { message: "give exactly one of external_url, source_image_id, generated_image_id", path: ["external_url"] },
  )
  .refine((v) => v.media_type === undefined || v.external_url !== undefined, {
    message: "media_type applies to an external_url only",
    path: ["media_type"],
  });
export type CreateMediaReferenceInput = z.infer<typeof createMediaReferenceInput>;

export const updateMediaInput = z
  .strictObject({
    title_fr: title.optional(),
    title_en: title.optional(),
    description_fr: description.nullable().optional(),
    description_en: description.nullable().optional(),
    language: languageSchema.nullable().optional(),
    duration_ms: durationMs.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "change at least one field", path: ["(body)"] });
export type UpdateMediaInput = z.infer<typeof updateMediaInput>;

/** Every media of the module, in the new order: all of them, each once. */
export const reorderMediaInput = z.strictObject({
  ids: z
    .array(z.uuid())
    .min(1)
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, "each id once"),
});

export const moduleMediaOrderSchema = z.object({ items: z.array(moduleMediaSchema) });
