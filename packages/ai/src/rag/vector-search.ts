/**
 * Vector search in one course, three ways, on `document_chunks.embedding halfvec(1536)` kept in the
 * row (decision 0055). Exact: every chunk of the course (btree on course_id, embedding_model) scored
 * by cosine distance. Quantised, for small courses: Hamming ranking on a covering index, then an
 * exact re-rank. Index: the HNSW graph on the column with pgvector 0.8's iterative scan, so the
 * course filter keeps walking the graph until enough rows pass it. Values only ever travel as bound
 * parameters, the query vector once per statement (parsing its text costs about 0.2 ms a copy). The
 * statements run on the pool through `readRows`, not Prisma's query layer (decision 0055, run 13).
 */
import type { Language } from "@sira/contracts";
import { type Db, Prisma, readRows, readRowsAfter } from "@sira/infra/db";
import type { RetrievedChunk } from "../types.ts";
import { CHUNK_COLUMNS, type ChunkFilter, type ChunkRow, chunkFilter, toRetrievedChunk } from "./chunk-rows.ts";
import { EMBEDDING_DIMENSIONS } from "./vector-literal.ts";

/** Up to this many chunks, a course is searched exactly (measured in bench/retrieval.ts, decisions 0017, 0055). */
export const EXACT_SEARCH_MAX_CHUNKS = 5_000;
/**
 * Candidates the quantised path re-ranks: 200 to 400, more for smaller courses, whose Hamming scan is
 * cheaper and whose true neighbours are fewer and less distinct (measured in bench/retrieval.ts,
 * decision 0055). Never fewer than 10 per result.
 */
export const QUANTIZED_CANDIDATES = { min: 200, max: 400, chunkBudget: 1_000_000 } as const;
/** Added to the similarity of chunks in the preferred language: it breaks near-ties, never filters. */
export const LANGUAGE_BOOST = 0.02;
/**
 * Transaction-local settings for the index path. The path is chosen by the course's chunk count;
 * the planner, which misjudges how selective the course filter is, must not swap it for a sort.
 * `ef_search` 150: recall@8 0.98–0.99 on a 100k course where 100 gave 0.94–0.99, at the same
 * latency within the bench's noise (decision 0055). JIT off: the re-rank's sort of the candidates
 * carries `enable_sort`'s disable cost, which would put the plan over `jit_above_cost` and spend
 * hundreds of milliseconds compiling a query that runs in a few.
 */
export const HNSW_SETTINGS = {
  enable_seqscan: "off",
  enable_sort: "off",
  jit: "off",
  "hnsw.iterative_scan": "relaxed_order",
  "hnsw.ef_search": "150",
  "hnsw.max_scan_tuples": "20000",
  "hnsw.scan_mem_multiplier": "2",
} as const;

export interface VectorQuery extends ChunkFilter {
  model: string;
  /** pgvector literal of the query embedding. */
  vector: string;
  language?: Language | undefined;
  limit: number;
}

type VectorRow = ChunkRow & { distance: number };

const FROM_CHUNKS = Prisma.sql`FROM document_chunks c JOIN course_resources r ON r.id = c.resource_id`;
/** The column's type: the query vector is cast to it, so the distance is the HNSW index's operator. */
const HALFVEC = Prisma.raw(`halfvec(${EMBEDDING_DIMENSIONS})`);
/** The type of `embedding_bits`: one bit per dimension. */
const BITS = Prisma.raw(`bit(${EMBEDDING_DIMENSIONS})`);

/** The query vector, bound and cast once: `(SELECT v FROM q)` in the statements below. */
const queryVector = (q: VectorQuery) => Prisma.sql`q AS MATERIALIZED (SELECT ${q.vector}::${HALFVEC} AS v)`;

/** Distance to the query vector, less the language boost: the order of the exact and quantised paths. */
const boostedDistance = (q: VectorQuery) => Prisma.sql`(c.embedding <=> (SELECT v FROM q))
  - CASE WHEN c.language = ${q.language ?? null}::text THEN ${LANGUAGE_BOOST}::float8 ELSE 0 END`;

/** Exact search. The ORDER BY is not an indexable distance, so the planner cannot swap in the HNSW index. */
export function exactSearchSql(q: VectorQuery): Prisma.Sql {
  return Prisma.sql`
    WITH ${queryVector(q)}
    SELECT ${CHUNK_COLUMNS}, (c.embedding <=> (SELECT v FROM q))::float8 AS distance
    ${FROM_CHUNKS}
    WHERE ${chunkFilter(q)} AND c.embedding_model = ${q.model}
    ORDER BY ${boostedDistance(q)}, c.id
    LIMIT ${q.limit}`;
}

/**
 * Quantised search, for small courses: the course's chunks ranked by Hamming distance between
 * `embedding_bits` and the query's binary quantisation, on an index-only scan of
 * `document_chunks_course_id_embedding_model_bits_idx` (about 270 bytes a chunk instead of a 4 KiB
 * heap row), then the best `candidates` re-ranked by cosine distance on the embedding.
 */
export function quantizedSearchSql(q: VectorQuery, candidates: number): Prisma.Sql {
  return Prisma.sql`
    WITH ${queryVector(q)},
    candidates AS MATERIALIZED (
      SELECT c.id
        FROM document_chunks c
       WHERE ${chunkFilter(q)} AND c.embedding_model = ${q.model}
       ORDER BY c.embedding_bits <~> (SELECT binary_quantize(v)::${BITS} FROM q)
       LIMIT ${candidates}
    )
    SELECT ${CHUNK_COLUMNS}, (c.embedding <=> (SELECT v FROM q))::float8 AS distance
      FROM candidates JOIN document_chunks c ON c.id = candidates.id JOIN course_resources r ON r.id = c.resource_id
     ORDER BY ${boostedDistance(q)}, c.id
     LIMIT ${q.limit}`;
}

/**
 * Index search: `candidates` nearest chunks in HNSW order (`document_chunks_embedding_hnsw_idx`),
 * re-ranked with the language boost, the best `q.limit` returned with their text. Only those are
 * read out of TOAST and sent: a chunk's text is about 1.6 KB, and there are five candidates per
 * result. The vector stays a bound parameter here (not `q`): the index's ORDER BY needs it, and
 * naming the distance once keeps it one copy.
 */
export function indexSearchSql(q: VectorQuery, candidates = indexCandidates(q.limit)): Prisma.Sql {
  return Prisma.sql`
    WITH nearest AS MATERIALIZED (
      SELECT c.id, c.language, c.embedding <=> ${q.vector}::${HALFVEC} AS distance
        FROM document_chunks c
       WHERE ${chunkFilter(q)} AND c.embedding_model = ${q.model}
       ORDER BY distance
       LIMIT ${candidates}
    ), best AS MATERIALIZED (
      SELECT id, distance FROM nearest
       ORDER BY distance - CASE WHEN language = ${q.language ?? null}::text THEN ${LANGUAGE_BOOST}::float8 ELSE 0 END, id
       LIMIT ${q.limit}
    )
    SELECT ${CHUNK_COLUMNS}, best.distance::float8 AS distance
      FROM best JOIN document_chunks c ON c.id = best.id JOIN course_resources r ON r.id = c.resource_id`;
}

export type HnswSettings = Record<keyof typeof HNSW_SETTINGS, string>;

/** Applies HNSW_SETTINGS (or `settings`) for the current transaction only. */
export function hnswSettingsSql(given: HnswSettings = HNSW_SETTINGS): Prisma.Sql {
  const settings = Object.entries(given).map(([name, value]) => Prisma.sql`set_config(${name}, ${value}, true)`);
  return Prisma.sql`SELECT ${Prisma.join(settings)}`;
}

/** How many candidates the index path fetches to re-rank `topK`. */
export const indexCandidates = (topK: number): number => Math.max(40, topK * 5);

function ranked(rows: VectorRow[], language: Language | undefined, limit: number): RetrievedChunk[] {
  return rows
    .map((row) =>
      toRetrievedChunk(row, 1 - row.distance + (language && row.language === language ? LANGUAGE_BOOST : 0)),
    )
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

export async function exactSearch(db: Db, q: VectorQuery): Promise<RetrievedChunk[]> {
  return ranked(await readRows<VectorRow>(db, exactSearchSql(q)), q.language, q.limit);
}

/**
 * How many Hamming-ranked candidates the quantised path re-ranks for `topK` in a course of `chunks`:
 * `chunkBudget / chunks` between `min` and `max`, so scan and re-rank cost about the same at 2,500
 * and 5,000 chunks (decision 0055).
 */
export function quantizedCandidates(topK: number, chunks: number): number {
  const { min, max, chunkBudget } = QUANTIZED_CANDIDATES;
  const byCourse = Math.min(max, Math.max(min, Math.round(chunkBudget / Math.max(1, chunks))));
  return Math.max(byCourse, topK * 10);
}

/** `candidates` defaults to the count for a course at the quantised path's limit (the fewest). */
export async function quantizedSearch(
  db: Db,
  q: VectorQuery,
  candidates = quantizedCandidates(q.limit, EXACT_SEARCH_MAX_CHUNKS),
): Promise<RetrievedChunk[]> {
  return ranked(await readRows<VectorRow>(db, quantizedSearchSql(q, candidates)), q.language, q.limit);
}

/** The settings and the search in one transaction, on the pool (`readRowsAfter`, decision 0055). */
export async function indexSearch(
  db: Db,
  q: VectorQuery,
  settings: HnswSettings = HNSW_SETTINGS,
): Promise<RetrievedChunk[]> {
  const rows = await readRowsAfter<VectorRow>(db, hnswSettingsSql(settings), indexSearchSql(q));
  return ranked(rows, q.language, q.limit);
}

/** Chunks of the course (and resources) embedded by `model`: what decides exact or index. */
export async function countChunks(db: Db, filter: ChunkFilter & { model: string }): Promise<number> {
  const [row] = await readRows<{ n: number }>(
    db,
    Prisma.sql`SELECT count(*)::int AS n FROM document_chunks c WHERE ${chunkFilter(filter)} AND c.embedding_model = ${filter.model}`,
  );
  return row?.n ?? 0;
}
