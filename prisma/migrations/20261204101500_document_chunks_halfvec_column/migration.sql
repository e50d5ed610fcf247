-- AlterTable
ALTER TABLE "document_chunks" ADD COLUMN     "embedding_bits" bit(1536);

-- sira:extras begin
-- The embedding becomes half precision and stays in the row; its binary quantisation is stored beside
-- it and covered by a btree per course (decision 0055).
-- A vector(1536) is 6 KiB, so every one lived in TOAST and an exact scan read three TOAST tuples per
-- chunk. A halfvec(1536) is 3 KiB and, with STORAGE MAIN, stays in the heap page (content and
-- content_tsv go to TOAST first). Prisma does not diff Unsupported(...) types, so the change is
-- written here, as one ALTER TABLE: the type change resets the column's storage to the type's
-- default, a later SET STORAGE would not move rows already rewritten, and the generated column must
-- be computed from the new type. The table is rewritten once, under its ACCESS EXCLUSIVE lock,
-- inside the migration's transaction: it completes or leaves the table as it was. Unit vectors are
-- far inside half precision's range; a value outside it fails the cast, and so the migration.
-- The HNSW index is dropped first, so the rewrite does not rebuild it on the old expression, then
-- built once on the column itself.
DROP INDEX "document_chunks_embedding_hnsw_idx";
ALTER TABLE "document_chunks" ALTER COLUMN "embedding" SET DATA TYPE halfvec(1536) USING "embedding"::halfvec(1536), ALTER COLUMN "embedding" SET STORAGE MAIN, DROP COLUMN "embedding_bits", ADD COLUMN "embedding_bits" bit(1536) GENERATED ALWAYS AS (binary_quantize("embedding")::bit(1536)) STORED;
CREATE INDEX "document_chunks_embedding_hnsw_idx" ON "document_chunks" USING hnsw ("embedding" halfvec_cosine_ops);
-- A small course is ranked by Hamming distance on an index-only scan of this index (about 270 bytes
-- per chunk, against 4 KiB in the heap), then its best candidates are re-ranked on the embedding.
CREATE INDEX "document_chunks_course_id_embedding_model_bits_idx" ON "document_chunks" USING btree ("course_id", "embedding_model") INCLUDE ("id", "resource_id", "embedding_bits");
-- That scan reads only the index while the course's heap pages are all-visible, which takes a VACUUM
-- after they are written. By default autovacuum waits for inserts of 20% of the table; here it comes
-- after 1,000 inserted chunks, so a newly indexed document is soon searched from the index alone.
ALTER TABLE "document_chunks" SET (autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0);
-- sira:extras end
