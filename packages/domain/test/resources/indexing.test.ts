/**
 * The indexing job body on the real database with the configured (offline) embedder: chunks with
 * their metadata and vectors, progress, atomic replacement (never doubled, even when two runs
 * race), a resource deleted meanwhile, and how failures are recorded.
 */
import { createAiProviders } from "@sira/ai";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { claudeConfigFor, startFakeAnthropic } from "../../../ai/test/anthropic-fake-server.ts";
import { failureReason, indexResource, recordIndexFailure, uploadCourseResource } from "../../src/resources/index.ts";
import { makeUser } from "../fixtures/users.ts";
import { buildTestDocx } from "./docx-fixture.ts";
import { bilingualPdf, makeCourse, resourceTestDeps, SAMPLE_TEXT, streamOf } from "./helpers.ts";

const deps = resourceTestDeps();
const { db } = deps;
const meta = { requestId: null, ip: null };

beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => deps.close());

interface ChunkRow {
  id: string;
  chunk_index: number;
  content: string;
  token_count: number;
  language: string;
  page: number | null;
  chapter: string | null;
  metadata: Record<string, unknown>;
  embedding_model: string;
  dims: number;
}

function chunksOf(resourceId: string): Promise<ChunkRow[]> {
  return db.$queryRaw<ChunkRow[]>`
    SELECT id, chunk_index, content, token_count, language, page, chapter, metadata, embedding_model,
           vector_dims(embedding) AS dims
    FROM document_chunks WHERE resource_id = ${resourceId}::uuid ORDER BY chunk_index`;
}

async function uploaded(bytes: Uint8Array, filename: string, courseId?: string) {
  const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
  const course = courseId ?? (await makeCourse(db));
  return uploadCourseResource(deps, admin, { courseId: course, filename, content: streamOf(bytes) }, meta);
}

describe("indexResource", () => {
  it("stores 512-token chunks with source metadata, language and the embedder's vectors", async () => {
    const res = await uploaded(await bilingualPdf(), "guide.pdf");
    const outcome = await indexResource(deps, res.id);
    const chunks = await chunksOf(res.id);
    expect(outcome).toEqual({ status: "done", chunkCount: chunks.length });
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.map((c) => c.chunk_index)).toEqual(chunks.map((_, i) => i));
    for (const chunk of chunks) {
      expect(chunk.token_count).toBeGreaterThan(0);
      expect(chunk.token_count).toBeLessThanOrEqual(512);
      expect(chunk.embedding_model).toBe(deps.ai.embedder.model);
      expect(chunk.dims).toBe(1536);
      expect(chunk.metadata).toEqual({
        source: "guide.pdf",
        chapter: chunk.chapter,
        page: chunk.page,
        course_id: res.course_id,
      });
    }
    const first = chunks[0] as ChunkRow;
    const last = chunks[chunks.length - 1] as ChunkRow;
    expect(first).toMatchObject({ page: 1, language: "fr", chapter: "Chapitre 1 : Le paludisme" });
    expect(last).toMatchObject({ page: 3, language: "en", chapter: "Chapter 2: Diarrhoea" });

    const row = await db.courseResource.findUniqueOrThrow({ where: { id: res.id } });
    expect(row).toMatchObject({
      indexStatus: "done",
      indexProgressPct: 100,
      indexError: null,
      chunkCount: chunks.length,
    });
    expect(row.indexedAt).toBeInstanceOf(Date);
  });

  it("gives the same chunks when run again, replacing rather than adding", async () => {
    const res = await uploaded(await bilingualPdf(), "guide.pdf");
    await indexResource(deps, res.id);
    const first = await chunksOf(res.id);
    await indexResource(deps, res.id);
    const second = await chunksOf(res.id);
    expect(second).toHaveLength(first.length);
    expect(second.map((c) => c.content)).toEqual(first.map((c) => c.content));
    expect(second.map((c) => c.id)).not.toEqual(first.map((c) => c.id)); // a fresh set, not an append
  });

  it("never doubles the chunk set when two runs race", async () => {
    const res = await uploaded(await bilingualPdf(), "guide.pdf");
    const once = await indexResource(deps, res.id);
    const raced = await Promise.all([indexResource(deps, res.id), indexResource(deps, res.id)]);
    const expected = once.status === "done" ? once.chunkCount : -1;
    expect(raced).toEqual([once, once]);
    expect(await db.documentChunk.count({ where: { resourceId: res.id } })).toBe(expected);
    const indexes = (await chunksOf(res.id)).map((c) => c.chunk_index);
    expect(new Set(indexes).size).toBe(indexes.length);
  });

  it("indexes formats without pages (DOCX) with null pages and heading chapters", async () => {
    const paragraphs = Array.from({ length: 40 }, () => ({ text: SAMPLE_TEXT.en }));
    const docx = buildTestDocx([
      { text: "Hydration", heading: 1 },
      ...paragraphs,
      { text: "Zinc", heading: 1 },
      ...paragraphs,
    ]);
    const res = await uploaded(docx, "notes.docx");
    await indexResource(deps, res.id);
    const chunks = await chunksOf(res.id);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.every((c) => c.page === null && c.language === "en")).toBe(true);
    expect(new Set(chunks.map((c) => c.chapter))).toEqual(new Set(["Hydration", "Zinc"]));
  });

  it("extracts from the stored file when the text was never extracted", async () => {
    const res = await uploaded(new TextEncoder().encode(`${SAMPLE_TEXT.fr}\n\n${SAMPLE_TEXT.fr}`), "notes.txt");
    await db.courseResource.update({ where: { id: res.id }, data: { rawText: null, charCount: 0 } });
    await indexResource(deps, res.id);
    const row = await db.courseResource.findUniqueOrThrow({ where: { id: res.id } });
    expect(row.rawText).toContain("Le paludisme");
    expect(row.charCount).toBeGreaterThan(0);
    expect(row.chunkCount).toBe(1);
  });

  it("ends quietly for a resource that no longer exists", async () => {
    const res = await uploaded(await bilingualPdf(), "guide.pdf");
    await db.courseResource.delete({ where: { id: res.id } });
    expect(await indexResource(deps, res.id)).toEqual({ status: "skipped", reason: "deleted" });
    expect(await indexResource(deps, crypto.randomUUID())).toEqual({ status: "skipped", reason: "deleted" });
    expect(await db.documentChunk.count()).toBe(0);
  });

  it("fails with a reason when the stored file is gone", async () => {
    const res = await uploaded(new TextEncoder().encode(SAMPLE_TEXT.fr), "notes.txt");
    const row = await db.courseResource.update({ where: { id: res.id }, data: { rawText: null } });
    await deps.storage.delete(row.storageKey);
    await expect(indexResource(deps, res.id)).rejects.toThrow(/missing/);
  });
});

describe("recordIndexFailure", () => {
  it("queues the resource again with the reason while retries remain, and fails it after the last", async () => {
    const res = await uploaded(new TextEncoder().encode(SAMPLE_TEXT.fr), "notes.txt");
    await recordIndexFailure(db, res.id, new Error("connect ECONNREFUSED 10.0.0.1:443"), false);
    expect(await db.courseResource.findUniqueOrThrow({ where: { id: res.id } })).toMatchObject({
      indexStatus: "queued",
      indexError: "Retrying after: connect ECONNREFUSED 10.0.0.1:443",
    });
    await recordIndexFailure(db, res.id, new Error("connect ECONNREFUSED 10.0.0.1:443"), true);
    expect(await db.courseResource.findUniqueOrThrow({ where: { id: res.id } })).toMatchObject({
      indexStatus: "failed",
      indexError: "connect ECONNREFUSED 10.0.0.1:443",
    });
  });

  it("keeps reasons short and free of secrets", () => {
    expect(failureReason(new Error("401 Incorrect API key provided: sk-proj-abcdefghijklmnop\nstack"))).toBe(
      "401 Incorrect API key provided: [redacted]",
    );
    expect(failureReason(new Error("cannot reach postgresql://sira:hunter2@db:5432/sira"))).toBe(
      "cannot reach postgresql://[redacted]db:5432/sira",
    );
    expect(failureReason(new Error("x".repeat(1000))).length).toBeLessThanOrEqual(300);
  });
});

describe("the document summary with Claude configured", () => {
  const summaryFr =
    "Ce guide présente la prévention du paludisme par les moustiquaires imprégnées. Il décrit le rôle des agents de santé communautaire. Il rappelle le traitement de la diarrhée par réhydratation orale.";

  it("is Claude's, asked once per indexing; a Claude failure keeps the offline summary", async () => {
    const fake = await startFakeAnthropic([
      { text: summaryFr, inputTokens: 500, outputTokens: 60 },
      { status: 529, errorType: "overloaded_error", message: "overloaded" },
      { status: 529, errorType: "overloaded_error", message: "overloaded" },
      { status: 529, errorType: "overloaded_error", message: "overloaded" },
    ]);
    try {
      const { generator } = createAiProviders({ config: claudeConfigFor(fake), db, logger: deps.logger });
      const claudeDeps = { ...deps, ai: { ...deps.ai, generator } };
      const res = await uploaded(await bilingualPdf(), "guide.pdf");
      const offline = (await db.courseResource.findUniqueOrThrow({ where: { id: res.id } })).summaryText;
      expect(offline).toBeTruthy();
      await indexResource(claudeDeps, res.id);
      expect(fake.requests).toHaveLength(1);
      expect((await db.courseResource.findUniqueOrThrow({ where: { id: res.id } })).summaryText).toBe(summaryFr);

      const other = await uploaded(await bilingualPdf(), "copie.pdf");
      const before = (await db.courseResource.findUniqueOrThrow({ where: { id: other.id } })).summaryText;
      expect(await indexResource(claudeDeps, other.id)).toMatchObject({ status: "done" });
      expect((await db.courseResource.findUniqueOrThrow({ where: { id: other.id } })).summaryText).toBe(before);
    } finally {
      await fake.close();
    }
  });

  it("is not asked again when indexing runs again after a later step failed", async () => {
    const fake = await startFakeAnthropic([
      { text: summaryFr, inputTokens: 500, outputTokens: 60 },
      { text: "Un autre résumé, payé une seconde fois.", inputTokens: 500, outputTokens: 20 },
    ]);
    try {
      const { generator } = createAiProviders({ config: claudeConfigFor(fake), db, logger: deps.logger });
      let embedCalls = 0;
      const embedder = Object.assign(Object.create(deps.ai.embedder) as typeof deps.ai.embedder, {
        embed: (...args: Parameters<typeof deps.ai.embedder.embed>) => {
          embedCalls += 1;
          if (embedCalls === 1) return Promise.reject(new Error("embeddings provider down"));
          return deps.ai.embedder.embed(...args);
        },
      });
      const claudeDeps = { ...deps, ai: { ...deps.ai, generator, embedder } };
      const res = await uploaded(await bilingualPdf(), "guide.pdf");
      await expect(indexResource(claudeDeps, res.id)).rejects.toThrow(/provider down/);
      expect(await indexResource(claudeDeps, res.id)).toMatchObject({ status: "done" });
      expect(fake.requests).toHaveLength(1);
      expect((await db.courseResource.findUniqueOrThrow({ where: { id: res.id } })).summaryText).toBe(summaryFr);
    } finally {
      await fake.close();
    }
  });
});
