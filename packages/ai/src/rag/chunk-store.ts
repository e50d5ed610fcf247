/**
 * Writing `document_chunks`, beside the reads of this folder: a resource's chunks are replaced as a
 * whole inside the caller's transaction, each with its embedding and the model that made it.
 */
import { Prisma, type Transaction } from "@sira/infra/db";
import type { TextChunk } from "../types.ts";
import { embeddingLiteral } from "./vector-literal.ts";

/** Rows per INSERT statement (each row carries an EMBEDDING_DIMENSIONS-number vector). */
const INSERT_BATCH_SIZE = 100;

/** The resource the chunks come from. */
export interface ChunkSource {
  courseId: string;
  resourceId: string;
  filename: string;
}

/** What retrieval cites besides the columns: the source file, chapter, page and course. */
function metadataOf(source: ChunkSource, chunk: TextChunk): string {
  return JSON.stringify({
    source: source.filename,
    chapter: chunk.chapter,
    page: chunk.page,
    course_id: source.courseId,
  });
}

/**
 * Replaces the resource's chunks with `chunks`, `vectors[i]` being the embedding of `chunks[i]` by
 * `model`. Runs in the caller's transaction, which should hold the resource row's lock.
 */
export async function replaceResourceChunks(
  tx: Transaction,
  source: ChunkSource,
  chunks: TextChunk[],
  vectors: number[][],
  model: string,
): Promise<void> {
  if (vectors.length !== chunks.length) {
    throw new RangeError(`${vectors.length} embeddings for ${chunks.length} chunks`);
  }
  const rows = chunks.map(
    (chunk, i) => Prisma.sql`(${source.courseId}::uuid, ${source.resourceId}::uuid, ${chunk.index}::int,
      ${chunk.text}::text, ${chunk.tokenCount}::int, ${chunk.language}::text, ${metadataOf(source, chunk)}::jsonb,
      ${chunk.page}::int, ${chunk.chapter}::text, ${embeddingLiteral(vectors[i] ?? [])}::halfvec, ${model}::text,
      ${chunk.lowConfidence === true}::boolean)`,
  );
  await tx.$executeRaw`DELETE FROM document_chunks WHERE resource_id = ${source.resourceId}::uuid`;
  for (let start = 0; start < rows.length; start += INSERT_BATCH_SIZE) {
    await tx.$executeRaw`
      INSERT INTO document_chunks (course_id, resource_id, chunk_index, content, token_count, language,
        metadata, page, chapter, embedding, embedding_model, low_confidence)
      VALUES ${Prisma.join(rows.slice(start, start + INSERT_BATCH_SIZE))}`;
  }
}
