/** pgvector values: the width of `document_chunks.embedding` and the text form sent as one bound parameter. */

/**
 * The width of `document_chunks.embedding` (`halfvec(1536)`, HNSW on the column) and so of every
 * embedder's vectors. The schema and the migrations spell the same number.
 */
export const EMBEDDING_DIMENSIONS = 1536;

/** pgvector's text form of a vector, sent as one bound parameter and cast in SQL. */
export function vectorLiteral(vector: number[]): string {
  if (!vector.every(Number.isFinite)) throw new RangeError("vector has a non-finite component");
  return `[${vector.join(",")}]`;
}

/** The text form of a vector for `document_chunks.embedding`, refusing one of another width. */
export function embeddingLiteral(vector: number[]): string {
  if (vector.length !== EMBEDDING_DIMENSIONS) {
    throw new RangeError(`an embedding has ${vector.length} dimensions; document_chunks holds ${EMBEDDING_DIMENSIONS}`);
  }
  return vectorLiteral(vector);
}
