/** Writing document_chunks: a resource's chunks replaced as a whole, at the one embedding width. */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../src/embeddings/hashing.ts";
import { replaceResourceChunks } from "../src/rag/chunk-store.ts";
import { chunkDocument } from "../src/rag/chunker.ts";
import { createRetriever } from "../src/rag/retriever.ts";
import { EMBEDDING_DIMENSIONS } from "../src/rag/vector-literal.ts";
import { addResource, courseWithResource } from "./fixtures/chunks.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url });
const embedder = new HashingEmbedder();
beforeEach(() => truncateAll(url));
afterAll(() => db.$disconnect());

const FIRST = [
  { page: 1, text: "Le paludisme se transmet par la piqûre du moustique anophèle femelle infecté." },
  { page: 2, text: "La moustiquaire imprégnée protège les enfants pendant la nuit." },
];
const SECOND = [
  { page: 1, text: "La rougeole est une maladie virale très contagieuse ; le vaccin se donne à 9 mois." },
];

async function store(courseId: string, resourceId: string, filename: string, pages: typeof FIRST) {
  const chunks = chunkDocument(pages, { maxTokens: 20, overlapTokens: 0 });
  const vectors = await embedder.embed(chunks.map((c) => c.text));
  await db.$transaction((tx) =>
    replaceResourceChunks(tx, { courseId, resourceId, filename }, chunks, vectors, embedder.model),
  );
  return chunks;
}

async function rowsOf(resourceId: string) {
  return db.$queryRaw<
    { chunk_index: number; content: string; page: number | null; metadata: unknown; model: string }[]
  >`
    SELECT chunk_index, content, page, metadata, embedding_model AS model
      FROM document_chunks WHERE resource_id = ${resourceId}::uuid ORDER BY chunk_index`;
}

describe("EMBEDDING_DIMENSIONS", () => {
  it("is the width of document_chunks.embedding (kept in the row) and of its binary quantisation", async () => {
    const columns = await db.$queryRaw<{ name: string; type: string; storage: string }[]>`
      SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attstorage::text AS storage FROM pg_attribute
       WHERE attrelid = 'document_chunks'::regclass AND attname IN ('embedding', 'embedding_bits') ORDER BY attname`;
    expect(columns).toEqual([
      { name: "embedding", type: `halfvec(${EMBEDDING_DIMENSIONS})`, storage: "m" },
      { name: "embedding_bits", type: `bit(${EMBEDDING_DIMENSIONS})`, storage: "x" },
    ]);
    const [index] = await db.$queryRaw<{ def: string }[]>`
      SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'document_chunks_embedding_hnsw_idx'`;
    expect(index?.def).toMatch(/USING hnsw \(embedding halfvec_cosine_ops\)/);
    expect(embedder.dimensions).toBe(EMBEDDING_DIMENSIONS);
  });
});

describe("replaceResourceChunks", () => {
  it("replaces one resource's chunks as a whole, with their metadata and model, and retrieval reads them", async () => {
    const { courseId, resourceId } = await courseWithResource(db, "paludisme");
    const other = await addResource(db, courseId, "rougeole.pdf");
    const others = await store(courseId, other, "rougeole.pdf", SECOND);

    const first = await store(courseId, resourceId, "paludisme.pdf", FIRST);
    expect(first.length).toBeGreaterThan(1);
    const rows = await rowsOf(resourceId);
    expect(rows.map((r) => r.content)).toEqual(first.map((c) => c.text));
    expect(rows[0]).toMatchObject({
      chunk_index: 0,
      page: 1,
      model: embedder.model,
      metadata: { source: "paludisme.pdf", page: 1, course_id: courseId },
    });

    const second = await store(courseId, resourceId, "paludisme.pdf", SECOND);
    expect((await rowsOf(resourceId)).map((r) => r.content)).toEqual(second.map((c) => c.text));
    expect((await rowsOf(other)).map((r) => r.content)).toEqual(others.map((c) => c.text));

    const found = await createRetriever(db, embedder).search("vaccin rougeole", { courseId, topK: 5 });
    expect(new Set(found.map((c) => c.resourceId))).toEqual(new Set([other, resourceId]));
    expect(found.filter((c) => first.some((f) => f.text === c.text))).toEqual([]);
  });

  it("refuses an embedding of another width, and the transaction keeps the chunks already there", async () => {
    const { courseId, resourceId } = await courseWithResource(db, "largeur");
    const kept = await store(courseId, resourceId, "largeur.pdf", FIRST);
    const chunks = chunkDocument(SECOND, {});
    const narrow = chunks.map(() => [1, 0, 0]);
    await expect(
      db.$transaction((tx) =>
        replaceResourceChunks(tx, { courseId, resourceId, filename: "largeur.pdf" }, chunks, narrow, embedder.model),
      ),
    ).rejects.toThrow(`an embedding has 3 dimensions; document_chunks holds ${EMBEDDING_DIMENSIONS}`);
    expect((await rowsOf(resourceId)).map((r) => r.content)).toEqual(kept.map((c) => c.text));
  });
});
