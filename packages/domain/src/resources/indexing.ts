/**
 * The indexing job's body: a resource's text → 512-token chunks (64 overlap) along pages and
 * outline headings → embeddings in batches → document_chunks, replacing the resource's previous
 * chunks in one transaction. Running it twice gives the same chunks; a resource deleted meanwhile
 * ends the job quietly. Progress is written to the resource as it goes.
 */
import { chunkDocument, type PageText, replaceResourceChunks, type TextChunk } from "@sira/ai";
import { AppError, type TocEntry } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { IndexingDeps } from "./deps.ts";
import { pagesFromRawText, toStoredExtraction } from "./extract.ts";
import { extractInThread } from "./extract-thread.ts";
import { kindOfMime } from "./file-types.ts";
import { tocOf } from "./shape.ts";
import { readStored } from "./stored.ts";

/** Texts per embedding request. */
export const EMBED_BATCH_SIZE = 64;

export type IndexOutcome = { status: "done"; chunkCount: number } | { status: "skipped"; reason: "deleted" };

const DELETED: IndexOutcome = { status: "skipped", reason: "deleted" };

/** Writes status fields; false when the resource no longer exists. */
async function progress(
  db: Db,
  resourceId: string,
  data: Prisma.CourseResourceUpdateManyMutationInput,
): Promise<boolean> {
  const { count } = await db.courseResource.updateMany({ where: { id: resourceId }, data });
  return count > 0;
}

/** Indexes one resource (the rag-indexing job "index-resource"). */
export async function indexResource(deps: IndexingDeps, resourceId: string): Promise<IndexOutcome> {
  const { db } = deps;
  const resource = await db.courseResource.findUnique({
    where: { id: resourceId },
    select: {
      id: true,
      courseId: true,
      filename: true,
      mimeType: true,
      rawText: true,
      tocJson: true,
      storageKey: true,
    },
  });
  if (!resource) return DELETED;
  if (!(await progress(db, resourceId, { indexStatus: "running", indexProgressPct: 5, indexError: null }))) {
    return DELETED;
  }

  const kind = kindOfMime(resource.mimeType);
  let pages: PageText[];
  let outline: TocEntry[];
  if (resource.rawText === null) {
    const bytes = await readStored(deps.storage, resource.storageKey);
    const doc = await extractInThread(kind, bytes, deps.config);
    const stored = toStoredExtraction(doc);
    await db.courseResource.updateMany({
      where: { id: resourceId },
      data: { ...stored, tocJson: stored.tocJson as Prisma.InputJsonValue },
    });
    pages = doc.pages;
    outline = doc.outline;
  } else {
    pages = pagesFromRawText(resource.rawText, kind);
    outline = tocOf(resource.tocJson);
  }

  const chunks = chunkDocument(pages, { outline });
  if (chunks.length === 0) throw new AppError("FILE_EMPTY");
  if (!(await progress(db, resourceId, { indexProgressPct: 20 }))) return DELETED;

  const vectors: number[][] = [];
  for (let start = 0; start < chunks.length; start += EMBED_BATCH_SIZE) {
    const batch = chunks.slice(start, start + EMBED_BATCH_SIZE);
    const embedded = await deps.ai.embedder.embed(
      batch.map((c) => c.text),
      "document",
    );
    if (embedded.length !== batch.length) {
      throw new Error(`the embedder returned ${embedded.length} vectors for ${batch.length} texts`);
    }
    vectors.push(...embedded);
    const pct = 20 + Math.floor((70 * vectors.length) / chunks.length);
    if (!(await progress(db, resourceId, { indexProgressPct: Math.min(pct, 90) }))) return DELETED;
  }

  const written = await replaceChunks(db, resource, chunks, vectors, deps.ai.embedder.model);
  return written ? { status: "done", chunkCount: chunks.length } : DELETED;
}

/**
 * Swaps the resource's chunks for the new ones in one transaction, with the resource row locked
 * so two runs for one resource take turns. False when the resource was deleted.
 */
async function replaceChunks(
  db: Db,
  resource: { id: string; courseId: string; filename: string },
  chunks: TextChunk[],
  vectors: number[][],
  model: string,
): Promise<boolean> {
  const source = { courseId: resource.courseId, resourceId: resource.id, filename: resource.filename };
  return db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM course_resources WHERE id = ${resource.id}::uuid FOR UPDATE`;
      if (locked.length === 0) return false;
      await replaceResourceChunks(tx, source, chunks, vectors, model);
      await tx.courseResource.update({
        where: { id: resource.id },
        data: {
          chunkCount: chunks.length,
          indexStatus: "done",
          indexProgressPct: 100,
          indexError: null,
          indexedAt: new Date(),
        },
      });
      return true;
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

const SECRETS: [RegExp, string][] = [
  [/sk-[A-Za-z0-9_-]{8,}/g, "[redacted]"],
  [/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1[redacted]"],
  [/Bearer\s+\S+/gi, "Bearer [redacted]"],
];

/** A short, secret-free account of why indexing failed, for the admin. */
export function failureReason(error: unknown): string {
  if (error instanceof AppError) return error.detail("en");
  const message = error instanceof Error ? error.message : String(error);
  let line = (message.split("\n").find((l) => l.trim()) ?? "unknown error").trim();
  for (const [pattern, replacement] of SECRETS) line = line.replace(pattern, replacement);
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/**
 * Records a failed attempt: with retries left the resource is queued again and says why; after
 * the last one it is failed with the reason.
 */
export async function recordIndexFailure(db: Db, resourceId: string, error: unknown, final: boolean): Promise<void> {
  const reason = failureReason(error);
  await db.courseResource.updateMany({
    where: { id: resourceId },
    data: final
      ? { indexStatus: "failed", indexError: reason }
      : { indexStatus: "queued", indexProgressPct: 0, indexError: `Retrying after: ${reason}` },
  });
}
