/**
 * Upload of a course document. The bytes are written to storage once, as they arrive, under a
 * temporary key, while they are counted (FILE_TOO_LARGE the moment they cross the cap), their
 * first bytes sniffed (a foreign type is refused before the rest is read) and hashed; the same
 * bytes are kept in memory for the checks, so storage is never read back. The whole file is then
 * checked (type by content, PDF/DOCX readable and not encrypted, some text), extracted in a worker
 * thread within time and memory limits, and the stored object is moved (not copied) to
 * `courses/<course>/resources/<sha256>.<ext>`. The same bytes uploaded to the same course again
 * return the existing resource, and nothing is stored or indexed twice.
 */
import { createHash, randomUUID } from "node:crypto";
import { AppError, clipText, type UploadedResource } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { writeAudit } from "../audit.ts";
import { assertCanEnqueue } from "../jobs/enqueue.ts";
import type { RequestMeta } from "../request-meta.ts";
import { assertManagesCourse } from "./access.ts";
import type { ResourceDeps } from "./deps.ts";
import { toStoredExtraction } from "./extract.ts";
import { extractInThread } from "./extract-thread.ts";
import { detectDocumentType, refuseEarly, TYPE_SNIFF_BYTES } from "./file-types.ts";
import { enqueueResourceJobs } from "./jobs.ts";
import { uploadLimitBytes } from "./limits.ts";
import { type ResourceRow, resourceSelect, toResourceView } from "./shape.ts";

export interface ResourceUpload {
  courseId: string;
  /** The name the client gave; only its last path segment is kept. */
  filename: string;
  /** The file's bytes as they arrive. */
  content: AsyncIterable<Uint8Array>;
}

export function tooLarge(limitBytes: number): AppError {
  const mb = Math.round((limitBytes / (1024 * 1024)) * 10) / 10;
  return new AppError("FILE_TOO_LARGE", {
    fieldErrors: [{ field: "file", code: "too_large", message: `larger than ${limitBytes} bytes` }],
    details: {
      en: `The file exceeds the maximum allowed size (${mb} MiB).`,
      fr: `Le fichier dépasse la taille maximale autorisée (${mb} Mio).`,
    },
  });
}

function emptyFile(): AppError {
  return new AppError("FILE_EMPTY", { fieldErrors: [{ field: "file", code: "empty", message: "the file is empty" }] });
}

/** The last path segment, without control characters, at most 255 UTF-16 units (a pair kept whole). */
export function cleanFilename(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? "").replace(/[\p{Cc}\p{Cf}]/gu, "").trim();
  return clipText(base, 255) || "document";
}

export interface Received {
  key: string;
  size: number;
  sha256: string;
  /** The bytes as written (at most the cap), for the checks and the extraction. */
  bytes: Uint8Array;
}

/** Streams the upload to a temporary object, enforcing the cap and refusing foreign types early. */
function receive(deps: ResourceDeps, upload: ResourceUpload, filename: string): Promise<Received> {
  return receiveUpload(deps, upload.content, (head) => refuseEarly(head, filename));
}

/**
 * Streams an upload once to `tmp/uploads/<uuid>` while counting it against the upload cap
 * (FILE_TOO_LARGE the moment it is crossed), hashing it, and handing its first TYPE_SNIFF_BYTES to
 * `sniff` (which throws to refuse a foreign type before the rest is read). The caller checks the
 * whole file, then moves the object to its final key or deletes it.
 */
export async function receiveUpload(
  deps: Pick<ResourceDeps, "db" | "storage" | "config">,
  content: AsyncIterable<Uint8Array>,
  sniff: (head: Uint8Array) => Promise<void>,
): Promise<Received> {
  const limit = await uploadLimitBytes(deps);
  const key = `tmp/uploads/${randomUUID()}`;
  const hash = createHash("sha256");
  let size = 0;
  const parts: Uint8Array[] = [];
  let head = Buffer.alloc(0);
  let sniffed = false;
  async function* guarded(): AsyncGenerator<Uint8Array> {
    for await (const chunk of content) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(limit);
      hash.update(chunk);
      parts.push(chunk);
      if (!sniffed) {
        head = Buffer.concat([head, chunk]);
        if (head.byteLength >= TYPE_SNIFF_BYTES) {
          sniffed = true;
          await sniff(head.subarray(0, TYPE_SNIFF_BYTES));
        }
      }
      yield chunk;
    }
  }
  try {
    await deps.storage.put(key, guarded());
  } catch (error) {
    await deps.storage.delete(key).catch(() => undefined);
    throw error;
  }
  return { key, size, sha256: hash.digest("hex"), bytes: new Uint8Array(Buffer.concat(parts)) };
}

/**
 * Receives a document for a course the viewer manages: 201-style `duplicate: false` with a new
 * resource queued for indexing, or `duplicate: true` with the resource that already has these bytes.
 */
export async function uploadCourseResource(
  deps: ResourceDeps,
  viewer: Viewer,
  upload: ResourceUpload,
  meta: Pick<RequestMeta, "requestId" | "ip">,
): Promise<UploadedResource> {
  const { db, storage } = deps;
  await assertManagesCourse(db, viewer, upload.courseId);
  // Without Redis the document could be stored but never indexed: refuse (503) before reading it.
  await assertCanEnqueue(deps, "index-resource");
  const filename = cleanFilename(upload.filename);
  const received = await receive(deps, upload, filename);
  try {
    if (received.size === 0) throw emptyFile();
    const { bytes } = received;
    const type = await detectDocumentType(bytes, filename);

    const existing = await db.courseResource.findUnique({
      where: { courseId_contentHash: { courseId: upload.courseId, contentHash: received.sha256 } },
      select: resourceSelect,
    });
    if (existing) {
      // A retry of an upload whose job could not be queued (Redis went away after the row was
      // written) queues it now; the job's id is the resource's, so a queued job is not doubled.
      if (existing.indexStatus === "queued") await enqueueResourceJobs(deps, existing);
      return { ...toResourceView(existing), duplicate: true };
    }

    const extracted = await extractInThread(type.kind, bytes, deps.config);
    const extraction = toStoredExtraction(extracted);
    // Pages that need OCR are read by the indexing job: no raw text until then.
    const awaitsOcr = (extracted.ocrPages?.length ?? 0) > 0;
    const storageKey = `courses/${upload.courseId}/resources/${received.sha256}.${type.ext}`;
    await storage.move(received.key, storageKey);
    const data: NewResource = {
      courseId: upload.courseId,
      filename,
      contentHash: received.sha256,
      mimeType: type.mime,
      byteSize: received.size,
      storageKey,
      rawText: awaitsOcr ? null : extraction.rawText,
      tocJson: extraction.tocJson,
      charCount: extraction.charCount,
      summaryText: awaitsOcr ? null : extraction.summaryText,
      pageCount: extraction.pageCount,
      extractorVersion: extraction.extractorVersion,
      indexStatus: "queued",
      uploadedById: viewer.userId,
    };
    let row: ResourceRow;
    try {
      row = await insertResource(db, data, meta);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // The draft course was deleted while the file arrived: its key is no one's.
      if (code === "P2003") {
        await storage.delete(storageKey).catch(() => undefined);
        throw new AppError("NOT_FOUND", { cause: error });
      }
      // The same bytes were uploaded at the same moment: the other request created the resource.
      if (code !== "P2002") throw error;
      const winner = await db.courseResource.findUniqueOrThrow({
        where: { courseId_contentHash: { courseId: upload.courseId, contentHash: received.sha256 } },
        select: resourceSelect,
      });
      return { ...toResourceView(winner), duplicate: true };
    }
    await enqueueResourceJobs(deps, row);
    return { ...toResourceView(row), duplicate: false };
  } finally {
    await storage.delete(received.key).catch(() => undefined);
  }
}

type NewResource = Prisma.CourseResourceUncheckedCreateInput & { uploadedById: string };

/** The resource row and its audit entry, together. */
function insertResource(db: Db, data: NewResource, meta: Pick<RequestMeta, "requestId" | "ip">): Promise<ResourceRow> {
  return db.$transaction(async (tx) => {
    const created = await tx.courseResource.create({ data, select: resourceSelect });
    await writeAudit(tx, {
      actorId: data.uploadedById,
      action: "course_resource.uploaded",
      targetType: "course_resource",
      targetId: created.id,
      after: {
        course_id: data.courseId,
        filename: data.filename,
        mime_type: data.mimeType,
        byte_size: data.byteSize,
        content_hash: data.contentHash,
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return created;
  });
}
