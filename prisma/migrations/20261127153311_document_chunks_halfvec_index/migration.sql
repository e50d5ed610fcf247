-- sira:extras begin
-- The HNSW index on a half-precision copy of each embedding: half the size and build time of the
-- vector(1536) one, at the same recall once candidates are re-scored at full precision (decision 0017).
-- Queries on the index path order by the same expression: "embedding"::halfvec(1536) <=> $1::halfvec(1536).
DROP INDEX "document_chunks_embedding_hnsw_idx";
CREATE INDEX "document_chunks_embedding_hnsw_idx" ON "document_chunks" USING hnsw (("embedding"::halfvec(1536)) halfvec_cosine_ops);
-- sira:extras end
