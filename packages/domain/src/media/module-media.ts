/**
 * A module's attached media, in the order its managers give: uploaded pictures, audio and PDFs,
 * video and web links (https only), and references to a source image or an illustration of the
 * same course. Admins and the course's experts create, edit, reorder (one atomic call) and delete
 * them (the stored object goes too); every change is audited. After a create or an edit of its
 * texts, the `summarize-media` job writes its FR/EN summary. Readers of the course list them and
 * read an uploaded file's bytes.
 */
import { randomUUID } from "node:crypto";
import {
  AppError,
  type CreateMediaReferenceInput,
  type Language,
  type MediaUploadFields,
  type ModuleMediaView,
  type PageQuery,
  type UpdateMediaInput,
} from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Prisma, Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { changedFields, writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import { enqueue } from "../jobs/enqueue.ts";
import type { AuditMeta } from "../request-meta.ts";
import { extractInThread } from "../resources/extract-thread.ts";
import { MAX_IMAGE_PIXELS } from "../resources/extraction-limits.ts";
import { cleanFilename, receiveUpload } from "../resources/upload.ts";
import { assertStorableFields } from "../storable-text.ts";
import { pageArgs } from "../sync.ts";
import { manageableModule, readableModule } from "./access.ts";
import type { MediaDeps } from "./deps.ts";
import { detectMediaType, type MediaFileType, oggDurationMs, refuseMediaEarly } from "./file-types.ts";
import { pictureSize } from "./raster.ts";
import type { StoredFile } from "./stored-file.ts";

export const mediaSelect = {
  id: true,
  moduleId: true,
  mediaType: true,
  titleFr: true,
  titleEn: true,
  descriptionFr: true,
  descriptionEn: true,
  language: true,
  storageKey: true,
  externalUrl: true,
  sourceImageId: true,
  generatedImageId: true,
  mimeType: true,
  byteSize: true,
  durationMs: true,
  width: true,
  height: true,
  summaryFr: true,
  summaryEn: true,
  status: true,
  sortOrder: true,
  createdAt: true,
  updatedAt: true,
  generatedImage: { select: { storageKey: true } },
} satisfies Prisma.ModuleMediaSelect;
type MediaRow = Prisma.ModuleMediaGetPayload<{ select: typeof mediaSelect }>;

function sourceOf(row: MediaRow): ModuleMediaView["source"] {
  if (row.storageKey) return "upload";
  if (row.sourceImageId) return "source_image";
  if (row.generatedImageId) return "generated_image";
  return "link";
}

function urlOf(row: MediaRow): string {
  if (row.storageKey) return `/api/v1/media/${row.id}/file`;
  if (row.sourceImageId) return `/api/v1/source-images/${row.sourceImageId}`;
  if (row.generatedImageId) {
    const version = /\/([0-9a-f]{16})-\d+\.webp$/.exec(row.generatedImage?.storageKey ?? "")?.[1];
    return `/api/v1/images/${row.generatedImageId}?width=640${version ? `&v=${version}` : ""}`;
  }
  return row.externalUrl ?? "";
}

export function toMediaView(row: MediaRow, lang: Language): ModuleMediaView {
  return {
    id: row.id,
    module_id: row.moduleId,
    media_type: row.mediaType as ModuleMediaView["media_type"],
    source: sourceOf(row),
    title_fr: row.titleFr,
    title_en: row.titleEn,
    title: inLanguage(lang, row.titleFr, row.titleEn),
    description_fr: row.descriptionFr,
    description_en: row.descriptionEn,
    description: inLanguage(lang, row.descriptionFr, row.descriptionEn),
    language: (row.language as Language | null) ?? null,
    url: urlOf(row),
    external_url: row.externalUrl,
    source_image_id: row.sourceImageId,
    generated_image_id: row.generatedImageId,
    mime_type: row.mimeType,
    byte_size: row.byteSize,
    duration_ms: row.durationMs,
    width: row.width,
    height: row.height,
    summary_fr: row.summaryFr,
    summary_en: row.summaryEn,
    summary: inLanguage(lang, row.summaryFr, row.summaryEn),
    status: row.status as ModuleMediaView["status"],
    sort_order: row.sortOrder,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The summary job of a media at its current version (a later edit gets a new job). */
const summaryJobId = (id: string, updatedAt: Date) => jobIdFor("media-summary", id, updatedAt.getTime());

async function queueSummary(deps: MediaDeps, row: { id: string; updatedAt: Date }): Promise<void> {
  await enqueue(deps, "summarize-media", { mediaId: row.id }, summaryJobId(row.id, row.updatedAt));
}

/** Next position at the end of the module's list (taken under the module's row lock); NOT_FOUND once it is gone. */
async function nextSortOrder(tx: Tx, moduleId: string): Promise<number> {
  // The module (or its draft course) may have been deleted while an upload arrived.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM modules WHERE id = ${moduleId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new AppError("NOT_FOUND");
  const last = await tx.moduleMedia.aggregate({ where: { moduleId }, _max: { sortOrder: true } });
  return (last._max.sortOrder ?? -1) + 1;
}

type NewMedia = Omit<Prisma.ModuleMediaUncheckedCreateInput, "moduleId" | "sortOrder">;

async function insertMedia(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  data: NewMedia,
  meta: AuditMeta,
): Promise<MediaRow> {
  const row = await deps.db.$transaction(async (tx) => {
    const sortOrder = await nextSortOrder(tx, moduleId);
    const created = await tx.moduleMedia.create({
      data: { ...data, moduleId, sortOrder, status: "processing", createdById: viewer.userId },
      select: mediaSelect,
    });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "module_media.created",
      targetType: "module_media",
      targetId: created.id,
      after: {
        module_id: moduleId,
        media_type: created.mediaType,
        title_fr: created.titleFr,
        title_en: created.titleEn,
        external_url: created.externalUrl,
        mime_type: created.mimeType,
        byte_size: created.byteSize,
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return created;
  });
  await queueSummary(deps, row);
  return row;
}

const textFields = (input: Pick<MediaUploadFields, "title_fr" | "title_en" | "description_fr" | "description_en">) => ({
  titleFr: input.title_fr,
  titleEn: input.title_en,
  descriptionFr: input.description_fr || null,
  descriptionEn: input.description_en || null,
});

/** A link (https) or a reference to an image of the same course. */
export async function createMediaReference(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  input: CreateMediaReferenceInput,
  meta: AuditMeta,
  lang: Language,
): Promise<ModuleMediaView> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  const base = { ...textFields(input), language: input.language ?? null };
  let data: NewMedia;
  if (input.external_url) {
    data = {
      ...base,
      mediaType: input.media_type ?? "link",
      externalUrl: input.external_url,
      durationMs: input.duration_ms ?? null,
    };
  } else if (input.source_image_id) {
    const image = await deps.db.sourceImage.findFirst({
      where: { id: input.source_image_id, courseId: module.courseId },
      select: { id: true, mimeType: true, byteSize: true, width: true, height: true },
    });
    if (!image) throw notInCourse("source_image_id");
    data = { ...base, mediaType: "image", sourceImageId: image.id, ...imageFacts(image) };
  } else {
    const image = await deps.db.generatedImage.findFirst({
      where: { id: input.generated_image_id, courseId: module.courseId },
      select: { id: true, mimeType: true, byteSize: true, width: true, height: true },
    });
    if (!image) throw notInCourse("generated_image_id");
    data = { ...base, mediaType: "image", generatedImageId: image.id, ...imageFacts(image) };
  }
  return toMediaView(await insertMedia(deps, viewer, module.id, data, meta), lang);
}

function imageFacts(image: {
  mimeType: string | null;
  byteSize: number | null;
  width: number | null;
  height: number | null;
}) {
  return { mimeType: image.mimeType, byteSize: image.byteSize, width: image.width, height: image.height };
}

function notInCourse(field: string): AppError {
  return new AppError("NOT_FOUND", {
    fieldErrors: [{ field, code: "not_found", message: "no such image in this course" }],
  });
}

export interface MediaUpload {
  moduleId: string;
  filename: string;
  /** The part's declared Content-Type, checked against the bytes. */
  declaredMime?: string;
  fields: MediaUploadFields;
  content: AsyncIterable<Uint8Array>;
}

/** What the whole file holds, checked by type: a decodable picture, an audio's length, a readable PDF. */
async function inspect(
  deps: MediaDeps,
  type: MediaFileType,
  bytes: Uint8Array,
): Promise<Pick<NewMedia, "width" | "height" | "durationMs">> {
  if (type.mediaType === "image") {
    const size = await pictureSize(bytes);
    if (size === "corrupt") {
      throw new AppError("FILE_CORRUPT", {
        fieldErrors: [{ field: "file", code: "corrupt", message: "unreadable picture" }],
      });
    }
    if (size === "too_large") {
      throw new AppError("FILE_TOO_COMPLEX", {
        fieldErrors: [{ field: "file", code: "too_many_pixels", message: `over ${MAX_IMAGE_PIXELS} pixels` }],
      });
    }
    return { width: size.width, height: size.height };
  }
  if (type.mediaType === "audio") return { durationMs: type.ext === "ogg" ? oggDurationMs(bytes) : null };
  // A PDF must be readable (not encrypted, not corrupt, some text) as a course document must.
  await extractInThread("pdf", bytes, deps.config);
  return {};
}

/** An uploaded picture, audio or PDF, streamed once to storage and moved to its key when checked. */
export async function uploadModuleMedia(
  deps: MediaDeps,
  viewer: Viewer,
  upload: MediaUpload,
  meta: AuditMeta,
  lang: Language,
): Promise<ModuleMediaView> {
  const module = await manageableModule(deps.db, viewer, upload.moduleId);
  assertStorableFields(upload.fields, lang);
  const filename = cleanFilename(upload.filename);
  const received = await receiveUpload(deps, upload.content, refuseMediaEarly);
  try {
    if (received.size === 0) {
      throw new AppError("FILE_EMPTY", {
        fieldErrors: [{ field: "file", code: "empty", message: "the file is empty" }],
      });
    }
    const type = await detectMediaType(received.bytes, filename, upload.declaredMime);
    const facts = await inspect(deps, type, received.bytes);
    const id = randomUUID();
    const storageKey = `courses/${module.courseId}/media/${id}.${type.ext}`;
    await deps.storage.move(received.key, storageKey);
    const data: NewMedia = {
      id,
      ...textFields(upload.fields),
      language: upload.fields.language ?? null,
      mediaType: type.mediaType,
      storageKey,
      mimeType: type.mime,
      byteSize: received.size,
      ...facts,
      durationMs: facts.durationMs ?? upload.fields.duration_ms ?? null,
    };
    try {
      return toMediaView(await insertMedia(deps, viewer, module.id, data, meta), lang);
    } catch (error) {
      await deps.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
  } finally {
    await deps.storage.delete(received.key).catch(() => undefined);
  }
}

/** The media, when the viewer manages its course; else NOT_FOUND. */
async function manageableMedia(deps: MediaDeps, viewer: Viewer, mediaId: string): Promise<MediaRow> {
  const row = await deps.db.moduleMedia.findUnique({ where: { id: mediaId }, select: mediaSelect });
  if (!row) throw new AppError("NOT_FOUND");
  await manageableModule(deps.db, viewer, row.moduleId);
  return row;
}

/** New titles, descriptions, language or duration; a text change queues a new summary. */
export async function updateModuleMedia(
  deps: MediaDeps,
  viewer: Viewer,
  mediaId: string,
  input: UpdateMediaInput,
  meta: AuditMeta,
  lang: Language,
): Promise<ModuleMediaView> {
  const current = await manageableMedia(deps, viewer, mediaId);
  const changes = {
    ...(input.title_fr !== undefined ? { titleFr: input.title_fr } : {}),
    ...(input.title_en !== undefined ? { titleEn: input.title_en } : {}),
    ...(input.description_fr !== undefined ? { descriptionFr: input.description_fr || null } : {}),
    ...(input.description_en !== undefined ? { descriptionEn: input.description_en || null } : {}),
    ...(input.language !== undefined ? { language: input.language } : {}),
    ...(input.duration_ms !== undefined ? { durationMs: input.duration_ms } : {}),
  };
  const diff = changedFields(current as unknown as Record<string, unknown>, changes);
  if (Object.keys(diff.after).length === 0) return toMediaView(current, lang);
  const resummarize = ["titleFr", "titleEn", "descriptionFr", "descriptionEn"].some((k) => k in diff.after);
  const row = await deps.db.$transaction(async (tx) => {
    // A concurrent delete may have won: NOT_FOUND, not Prisma's P2025.
    const { count } = await tx.moduleMedia.updateMany({
      where: { id: mediaId },
      data: { ...changes, ...(resummarize ? { status: "processing" } : {}) },
    });
    if (count === 0) throw new AppError("NOT_FOUND");
    const updated = await tx.moduleMedia.findUniqueOrThrow({ where: { id: mediaId }, select: mediaSelect });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "module_media.updated",
      targetType: "module_media",
      targetId: mediaId,
      before: diff.before,
      after: diff.after,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return updated;
  });
  if (resummarize) await queueSummary(deps, row);
  return toMediaView(row, lang);
}

/** Every media of the module in the given order, in one transaction; the list must be complete. */
export async function reorderModuleMedia(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  ids: string[],
  meta: AuditMeta,
  lang: Language,
): Promise<{ items: ModuleMediaView[] }> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  const rows = await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM modules WHERE id = ${module.id}::uuid FOR UPDATE`;
    const current = await tx.moduleMedia.findMany({ where: { moduleId: module.id }, select: { id: true } });
    const known = new Set(current.map((m) => m.id));
    if (current.length !== ids.length || ids.some((id) => !known.has(id))) throw new AppError("MEDIA_ORDER_MISMATCH");
    await tx.$executeRaw`
      UPDATE module_media AS m SET sort_order = o.position - 1, updated_at = now()
      FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS o(id, position)
      WHERE m.id = o.id AND m.module_id = ${module.id}::uuid`;
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "module_media.reordered",
      targetType: "module",
      targetId: module.id,
      after: { ids },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return tx.moduleMedia.findMany({
      where: { moduleId: module.id },
      select: mediaSelect,
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    });
  });
  return { items: rows.map((row) => toMediaView(row, lang)) };
}

/** Removes the media and its stored object (a referenced image stays: it belongs to the course). */
export async function deleteModuleMedia(
  deps: MediaDeps,
  viewer: Viewer,
  mediaId: string,
  meta: AuditMeta,
): Promise<void> {
  const row = await manageableMedia(deps, viewer, mediaId);
  await deps.db.$transaction(async (tx) => {
    const { count } = await tx.moduleMedia.deleteMany({ where: { id: mediaId } });
    if (count === 0) throw new AppError("NOT_FOUND");
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "module_media.deleted",
      targetType: "module_media",
      targetId: mediaId,
      before: {
        module_id: row.moduleId,
        media_type: row.mediaType,
        title_fr: row.titleFr,
        storage_key: row.storageKey,
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
  // The row is gone: a failed object delete is logged and left to the cleanup job.
  if (row.storageKey) {
    const key = row.storageKey;
    await deps.storage.delete(key).catch((error: unknown) => {
      deps.logger.warn({ err: error, media_id: mediaId, storage_key: key }, "module media object not deleted");
    });
  }
}

/** A page of the module's media in their order, for readers of the course. */
export async function listModuleMedia(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  query: PageQuery,
  lang: Language,
): Promise<{ items: ModuleMediaView[]; total: number }> {
  await readableModule(deps.db, viewer, moduleId);
  const where = { moduleId };
  const [rows, total] = await Promise.all([
    deps.db.moduleMedia.findMany({
      where,
      select: mediaSelect,
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    deps.db.moduleMedia.count({ where }),
  ]);
  return { items: rows.map((row) => toMediaView(row, lang)), total };
}

/** A header-safe file name from a title: accents folded, other characters dropped. */
function asciiName(title: string): string {
  return title
    .normalize("NFD")
    .replace(/[^A-Za-z0-9 ._-]/g, "")
    .replace(/\s+/g, " ")
    .slice(0, 80)
    .trim();
}

/** An uploaded media's bytes, for readers of its course (links and image references have none here). */
export async function moduleMediaFile(
  deps: Pick<MediaDeps, "db" | "storage">,
  viewer: Viewer,
  mediaId: string,
): Promise<StoredFile> {
  const row = await deps.db.moduleMedia.findUnique({
    where: { id: mediaId },
    select: { id: true, moduleId: true, storageKey: true, mimeType: true, titleFr: true },
  });
  if (!row) throw new AppError("NOT_FOUND");
  await readableModule(deps.db, viewer, row.moduleId);
  const key = row.storageKey;
  if (!key) throw new AppError("NOT_FOUND");
  const stat = await deps.storage.stat(key);
  if (!stat) throw new AppError("NOT_FOUND");
  const ext = key.slice(key.lastIndexOf(".") + 1);
  return {
    size: stat.size,
    // One object per media id, never rewritten: the id and size identify the bytes.
    etag: `"${row.id.replaceAll("-", "")}-${stat.size}"`,
    mimeType: row.mimeType ?? "application/octet-stream",
    filename: `${asciiName(row.titleFr) || "media"}.${ext}`,
    storageKey: key,
    open: async (range) => {
      const body = await deps.storage.get(key, range);
      if (!body) throw new AppError("NOT_FOUND");
      return body;
    },
  };
}
