/**
 * The indexing job's body: a resource's text (read again from the stored file when it has none
 * yet, or was read by an older extractor; scanned pages and photos by OCR, page by page) →
 * 512-token chunks (64 overlap) along pages and outline headings → embeddings in batches →
 * document_chunks and resource_pages, replacing the resource's previous ones in one transaction.
 * Running it twice gives the same chunks; a resource deleted meanwhile ends the job quietly.
 * Progress is written to the resource as it goes.
 */
import { chunkDocument, type PageText, replaceResourceChunks, type TextChunk } from "@sira/ai";
import { AppError, clipText, type TocEntry } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { IndexingDeps } from "./deps.ts";
import { EXTRACTOR_VERSION, pagesFromRawText, toStoredExtraction } from "./extract.ts";
import { extractInThread } from "./extract-thread.ts";
import { kindOfMime } from "./file-types.ts";
import { type PageReading, readPages } from "./read-pages.ts";
import { tocOf } from "./shape.ts";
import { readStored } from "./stored.ts";
import { summarizeDocument } from "./summary.ts";

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

/** Progress while pages are read by OCR, and where embedding starts. */
const OCR_PROGRESS = { from: 5, to: 50 } as const;

type ResourceToIndex = {
  id: string;
  courseId: string;
  mimeType: string;
  rawText: string | null;
  tocJson: Prisma.JsonValue;
  storageKey: string;
  extractorVersion: number;
};

interface IndexText {
  pages: PageText[];
  outline: TocEntry[];
  /** The title found on the first page (PDF), when the text was read in this run. */
  title?: string | null;
  /** How each page was read, when the file was read in this run. */
  readings?: PageReading[];
  lowConfidencePages: Set<number>;
}

/** OCR'd pages of an earlier extraction, to reuse when the same file is read again. */
async function earlierOcr(
  db: Db,
  resource: ResourceToIndex,
): Promise<Map<number, { text: string; reading: PageReading }>> {
  const reuse = new Map<number, { text: string; reading: PageReading }>();
  if (resource.rawText === null) return reuse;
  const rows = await db.resourcePage.findMany({ where: { resourceId: resource.id, source: "ocr" } });
  const pages = pagesFromRawText(resource.rawText, kindOfMime(resource.mimeType));
  for (const row of rows) {
    const text = pages[row.page - 1]?.text;
    if (text === undefined) continue;
    reuse.set(row.page, {
      text,
      reading: {
        page: row.page,
        source: "ocr",
        language: row.language as PageReading["language"],
        ocrConfidence: row.ocrConfidence,
        lowConfidence: row.lowConfidence,
        charCount: row.charCount,
      },
    });
  }
  return reuse;
}

/** The resource's text: as stored, or read again from its file (with OCR where needed). */
async function textToIndex(deps: IndexingDeps, resource: ResourceToIndex): Promise<IndexText | null> {
  const { db } = deps;
  const kind = kindOfMime(resource.mimeType);
  if (resource.rawText !== null && resource.extractorVersion >= EXTRACTOR_VERSION) {
    const low = await db.resourcePage.findMany({
      where: { resourceId: resource.id, lowConfidence: true },
      select: { page: true },
    });
    return {
      pages: pagesFromRawText(resource.rawText, kind),
      outline: tocOf(resource.tocJson),
      lowConfidencePages: new Set(low.map((r) => r.page)),
    };
  }
  const bytes = await readStored(deps.storage, resource.storageKey);
  const extracted = await extractInThread(kind, bytes, deps.config);
  const span = OCR_PROGRESS.to - OCR_PROGRESS.from;
  let alive = true;
  const doc = await readPages(kind, bytes, extracted, {
    reuse: await earlierOcr(db, resource),
    onPage: async (done, total) => {
      const pct = OCR_PROGRESS.from + Math.floor((span * done) / Math.max(1, total));
      alive = alive && (await progress(db, resource.id, { indexProgressPct: pct }));
    },
  });
  if (!alive) return null;
  const stored = toStoredExtraction(doc);
  // The text and how each page was read are stored together: a retry after a later failure reads
  // them back as they are, without reading the file (or running OCR) again.
  const written = await db.$transaction(async (tx) => {
    const { count } = await tx.courseResource.updateMany({
      where: { id: resource.id },
      data: { ...stored, tocJson: stored.tocJson as Prisma.InputJsonValue },
    });
    if (count === 0) return false;
    await tx.resourcePage.deleteMany({ where: { resourceId: resource.id } });
    await tx.resourcePage.createMany({ data: doc.readings.map((r) => ({ resourceId: resource.id, ...r })) });
    return true;
  });
  if (!written) return null;
  return {
    pages: doc.pages,
    outline: doc.outline,
    title: doc.title ?? null,
    readings: doc.readings,
    lowConfidencePages: new Set(doc.readings.filter((r) => r.lowConfidence).map((r) => r.page)),
  };
}

/**
 * With Claude configured, the document's summary is Claude's, in the document's language. A failure
 * keeps the offline TextRank summary already stored: a summary is never worth failing the job.
 * Stored text whose stored summary is not the offline one already has the model's (an earlier
 * attempt or run wrote it): it is not paid for again.
 */
async function summarizeWithModel(
  deps: IndexingDeps,
  resource: { id: string; filename: string; summaryText: string | null },
  text: IndexText,
) {
  const { generator } = deps.ai;
  if (generator.offline) return;
  const offline = summarizeDocument(text.pages, text.outline);
  const { language } = offline;
  const readNow = text.readings !== undefined;
  if (!readNow && resource.summaryText && resource.summaryText !== offline.text) return;
  try {
    const result = await generator.summarize({
      title: text.title ?? resource.filename,
      text: text.pages.map((p) => p.text).join("\f"),
      language,
    });
    await deps.db.courseResource.updateMany({ where: { id: resource.id }, data: { summaryText: result.content } });
  } catch (error) {
    deps.logger.warn({ err: error, resource_id: resource.id }, "model summary failed; the offline one stays");
  }
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
      extractorVersion: true,
      summaryText: true,
    },
  });
  if (!resource) return DELETED;
  if (!(await progress(db, resourceId, { indexStatus: "running", indexProgressPct: 5, indexError: null }))) {
    return DELETED;
  }

  const text = await textToIndex(deps, resource);
  if (!text) return DELETED;
  await summarizeWithModel(deps, resource, text);
  // The structured extractors (PDF layout, OCR, DOCX, Markdown) mark headings with "#"; plain text does not.
  const kind = kindOfMime(resource.mimeType);
  const numberedHeadings = kind === "txt" || kind === "csv";
  const chunks = chunkDocument(text.pages, { outline: text.outline, numberedHeadings }).map((chunk) =>
    chunk.page !== null && text.lowConfidencePages.has(chunk.page) ? { ...chunk, lowConfidence: true } : chunk,
  );
  if (chunks.length === 0) throw new AppError("FILE_EMPTY");
  const embedFrom = text.readings?.some((r) => r.source === "ocr") ? OCR_PROGRESS.to : 20;
  if (!(await progress(db, resourceId, { indexProgressPct: embedFrom }))) return DELETED;

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
    const pct = embedFrom + Math.floor(((90 - embedFrom) * vectors.length) / chunks.length);
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
  return line.length > 300 ? `${clipText(line, 299)}…` : line;
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
