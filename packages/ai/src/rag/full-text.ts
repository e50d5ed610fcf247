/**
 * PostgreSQL full text over `content_tsv` ('simple' config on sira_unaccent(content): no stemming,
 * so it works for FR and EN alike). The question's content words are OR-ed: a question rarely
 * contains every word of its answer, and AND would find nothing.
 */
import { type Db, Prisma } from "@sira/infra/db";
import { wordsOf } from "../text/normalize.ts";
import { STOP_WORDS } from "../text/stop-words.ts";
import type { RetrievedChunk } from "../types.ts";
import { CHUNK_COLUMNS, type ChunkFilter, type ChunkRow, chunkFilter, toRetrievedChunk } from "./chunk-rows.ts";

const MAX_TERMS = 32;

/** `to_tsquery` text "w1 | w2 | …" of the query's content words (letters and digits only), or null. */
export function fullTextQuery(text: string): string | null {
  const terms = [...new Set(wordsOf(text).filter((w) => !STOP_WORDS.has(w) && w.length > 1))].slice(0, MAX_TERMS);
  return terms.length ? terms.join(" | ") : null;
}

export interface FullTextQuery extends ChunkFilter {
  limit: number;
  /** Only chunks embedded by this model (so fused lists describe the same index). */
  model?: string | undefined;
}

/** Chunks matching any content word of `query`, ranked by cover density (ts_rank_cd, length-normalised). */
export async function fullTextSearch(db: Db, query: string, q: FullTextQuery): Promise<RetrievedChunk[]> {
  const tsquery = fullTextQuery(query);
  if (!tsquery) return [];
  const model = q.model ? Prisma.sql`AND c.embedding_model = ${q.model}` : Prisma.empty;
  const rows = await db.$queryRaw<(ChunkRow & { rank: number })[]>`
    SELECT ${CHUNK_COLUMNS}, ts_rank_cd(c.content_tsv, q, 1)::float8 AS rank
      FROM document_chunks c
      JOIN course_resources r ON r.id = c.resource_id,
           to_tsquery('simple', ${tsquery}) q
     WHERE ${chunkFilter(q)} ${model} AND c.content_tsv @@ q
     ORDER BY rank DESC, c.id
     LIMIT ${q.limit}`;
  return rows.map((row) => toRetrievedChunk(row, row.rank));
}
