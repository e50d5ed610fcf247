/**
 * `pnpm bench:retrieval`: the retriever's two paths on synthetic data, before and after the
 * migration that stores embeddings as `halfvec(1536)` in the row (decision 0055), in one run on the
 * same rows. One course holds BENCH_CHUNKS chunks (default 100k) among BENCH_COURSES courses
 * (default 20) that together hold about 1.5× as many; a "threshold" course holds exactly
 * EXACT_SEARCH_MAX_CHUNKS. Vectors are clustered unit vectors made inside PostgreSQL (topics shared
 * by every course, so neighbours from other courses are close and the course filter matters).
 *
 * 1. The database is migrated up to the migration before BENCH_MIGRATION, the chunks loaded into the
 *    `vector(1536)` column, and the searches of that schema (kept below as `before`) measured.
 *    Their exact search, in full precision, is the truth every recall is measured against.
 * 2. BENCH_MIGRATION runs on the populated table (timed), and the shipped searches are measured.
 *
 * 3. Right after the migration, as `pnpm db:migrate` does, retrieval's relations are prewarmed into
 *    `shared_buffers` (`prewarmRetrieval`; BENCH_PREWARM=0 skips it), and the index path's first
 *    ("cold") pass on the target course is measured before anything else reads the new index, with
 *    how much of each relation `shared_buffers` holds (pg_buffercache) and the buffers one query hit
 *    and read.
 *
 * Prints per course and path: p50/p99 latency, recall@8, sizes, BENCH_REPEAT (3) passes of the path
 * the retriever takes before and after (the spread of one pass), one pass of BENCH_TAIL_QUERIES
 * (1,000) other queries of the path it takes after (a p99 that is not the slowest of 50 queries),
 * an `hnsw.ef_search` sweep on the index path, and with BENCH_EXPLAIN=1 one EXPLAIN (ANALYZE,
 * BUFFERS) per course and path.
 * Throwaway database; figures only, no assertions.
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Db, Prisma } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import { CHUNK_COLUMNS, chunkFilter } from "../packages/ai/src/rag/chunk-rows.ts";
import { PREWARM_RELATIONS, prewarmRetrieval } from "../packages/ai/src/rag/prewarm.ts";
import {
  EXACT_SEARCH_MAX_CHUNKS,
  exactSearch,
  exactSearchSql,
  HNSW_SETTINGS,
  type HnswSettings,
  hnswSettingsSql,
  indexSearch,
  indexSearchSql,
  LANGUAGE_BOOST,
  quantizedCandidates,
  quantizedSearch,
  quantizedSearchSql,
  type VectorQuery,
} from "../packages/ai/src/rag/vector-search.ts";

const int = (name: string, fallback: number) => Number.parseInt(process.env[name] ?? "", 10) || fallback;
const TARGET = int("BENCH_CHUNKS", 100_000);
const COURSES = int("BENCH_COURSES", 20);
const OTHERS = int("BENCH_OTHER_CHUNKS", Math.round(TARGET / 2));
const QUERIES = int("BENCH_QUERIES", 50);
/**
 * Fresh queries for the tail of the shipped path (after): with 50 queries a "p99" is the slowest
 * query, so the p99 the target names is read from this many.
 */
const TAIL_QUERIES = int("BENCH_TAIL_QUERIES", 1_000);
/** Passes of each course's shipped path, before and after, to show how much one pass of 50 queries moves. */
const REPEAT = int("BENCH_REPEAT", 3);
const TOPICS = int("BENCH_TOPICS", 400);
const NOISE = 1_000;
const MODEL = "bench-synthetic";
const TOP_K = 8;
/** The migration measured: before it, `vector(1536)` in TOAST; from it, `halfvec(1536)` in the row. */
const MIGRATION = process.env.BENCH_MIGRATION ?? "20261204101500_document_chunks_halfvec_column";
const EF_SWEEP = (process.env.BENCH_EF ?? "40,64,100").split(",").map(Number);
const CANDIDATE_SWEEP = (process.env.BENCH_CANDIDATES ?? "100,200,400").split(",").map(Number);
const EXPLAIN = process.env.BENCH_EXPLAIN === "1";
const PREWARM = process.env.BENCH_PREWARM !== "0";

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_retrieval_${process.pid}`;
const url = withDatabase(base, scratch);
/** Index builds (the bench's and the migration's) get the memory docs/operations.md recommends. */
const BUILD_OPTIONS = "-c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=1";
const buildUrl = `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent(BUILD_OPTIONS)}`;
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
// The searches run on the pool as the app's do; an exact scan of 100k chunks may exceed the app's timeout.
process.env.DATABASE_STATEMENT_TIMEOUT_MS = "0";

const log = (line = "") => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const out = await work();
  return [out, performance.now() - start];
}

/** p50, p95, p99 and the slowest of `work` run over every vector in turn, in ms. */
async function tail(vectors: string[], work: (vector: string) => Promise<unknown>) {
  const ms: number[] = [];
  for (const vector of vectors) ms.push((await timed(() => work(vector)))[1]);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: Math.max(...ms) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Courses with their chunk counts: the target, the threshold course, then the rest spread evenly. */
function plan(): { slug: string; chunks: number }[] {
  const rest = Math.max(0, OTHERS - EXACT_SEARCH_MAX_CHUNKS);
  const others = Math.max(1, COURSES - 2);
  return [
    { slug: "target", chunks: TARGET },
    { slug: "threshold", chunks: EXACT_SEARCH_MAX_CHUNKS },
    ...Array.from({ length: others }, (_, i) => ({
      slug: `other-${i + 1}`,
      chunks: Math.floor(rest / others) + (i < rest % others ? 1 : 0),
    })),
  ];
}

/** `count` random vectors with components uniform in ±scale (made once; rows combine them). */
const randomVectors = (table: string, count: number, scale: number) =>
  `CREATE UNLOGGED TABLE ${table} AS
     SELECT i AS id, ARRAY(SELECT (random() * 2 - 1) * ${scale} + i * 0 FROM generate_series(1, 1536))::vector AS v
       FROM generate_series(0, ${count - 1}) i`;

/** A chunk's text: about 1.6 KB of word-like tokens, as a 400-token passage is, so it lives in TOAST as real ones do. */
const WORDS = `SELECT string_agg(substr(md5((g * 97 + w)::text), 1, 4 + w % 6), ' ') FROM generate_series(1, 220) w`;

async function loadChunks(client: pg.Client): Promise<Map<string, string>> {
  await client.query(randomVectors("bench_topics", TOPICS, 1));
  // Two noise pools: a chunk is its topic plus one vector from each, so a million combinations exist.
  await client.query(randomVectors("bench_noise_a", NOISE, 0.85));
  await client.query(randomVectors("bench_noise_b", NOISE, 0.85));
  const courses = new Map<string, string>();
  for (const { slug, chunks } of plan()) {
    const { rows } = await client.query<{ course: string; resource: string }>(
      `WITH c AS (INSERT INTO courses (slug, title_fr, title_en) VALUES ($1, $1, $1) RETURNING id)
       INSERT INTO course_resources (course_id, filename, content_hash, mime_type, byte_size, storage_key, index_status)
       SELECT id, $1 || '.pdf', md5($1), 'application/pdf', 1, $1, 'done' FROM c
       RETURNING course_id::text AS course, id::text AS resource`,
      [slug],
    );
    const { course, resource } = rows[0] as { course: string; resource: string };
    courses.set(slug, course);
    const salt = courses.size * 7919;
    for (let from = 0; from < chunks; from += 20_000) {
      await client.query(
        `INSERT INTO document_chunks (course_id, resource_id, chunk_index, content, token_count, language, page, embedding, embedding_model)
         SELECT $1::uuid, $2::uuid, g, 'passage ' || g || ': ' || (${WORDS}), 400, CASE WHEN g % 3 = 0 THEN 'en' ELSE 'fr' END, 1 + g / 3,
                l2_normalize(t.v + a.v + b.v), $3
           FROM generate_series($4::int, $5::int) g
           JOIN bench_topics t ON t.id = (hashint4(g + $6::int) & 2147483647) % ${TOPICS}
           JOIN bench_noise_a a ON a.id = (hashint4(g * 3 + $6::int) & 2147483647) % ${NOISE}
           JOIN bench_noise_b b ON b.id = (hashint4(g * 5 + 1 + $6::int) & 2147483647) % ${NOISE}`,
        [course, resource, MODEL, from, Math.min(chunks, from + 20_000) - 1, salt],
      );
    }
  }
  return courses;
}

/** Query vectors: a topic plus fresh noise, like a question near one subject. */
async function queryVectors(client: pg.Client, n: number): Promise<string[]> {
  const { rows } = await client.query<{ v: string }>(
    `SELECT l2_normalize(t.v + ARRAY(SELECT (random() * 2 - 1) * 1.2 + q * 0 FROM generate_series(1, 1536))::vector)::text AS v
       FROM generate_series(1, $1::int) q JOIN bench_topics t ON t.id = (q * 37) % ${TOPICS}`,
    [n],
  );
  return rows.map((r) => r.v);
}

async function sizes(client: pg.Client): Promise<{ heap: number; toast: number; hnsw: number }> {
  const { rows } = await client.query<{ heap: string; toast: string; hnsw: string }>(
    `SELECT pg_relation_size('document_chunks') AS heap,
            pg_table_size('document_chunks') - pg_relation_size('document_chunks') AS toast,
            pg_relation_size('document_chunks_embedding_hnsw_idx') AS hnsw`,
  );
  const row = rows[0] as { heap: string; toast: string; hnsw: string };
  return { heap: Number(row.heap), toast: Number(row.toast), hnsw: Number(row.hnsw) };
}

// ── The searches of the schema before the migration (vector(1536); HNSW on its halfvec cast) ──

type Row = { id: string; language: string; distance: number };
type Search = (db: Db, q: VectorQuery) => Promise<{ id: string }[]>;

const ranked = (rows: Row[], q: VectorQuery) =>
  rows
    .map((r) => ({ id: r.id, score: 1 - r.distance + (q.language && r.language === q.language ? LANGUAGE_BOOST : 0) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, q.limit);

const FROM_CHUNKS = Prisma.sql`FROM document_chunks c JOIN course_resources r ON r.id = c.resource_id`;
const beforeExactSql = (q: VectorQuery) => Prisma.sql`
  SELECT ${CHUNK_COLUMNS}, (c.embedding <=> ${q.vector}::vector)::float8 AS distance
  ${FROM_CHUNKS}
  WHERE ${chunkFilter(q)} AND c.embedding_model = ${q.model}
  ORDER BY (c.embedding <=> ${q.vector}::vector)
           - CASE WHEN c.language = ${q.language ?? null}::text THEN ${LANGUAGE_BOOST}::float8 ELSE 0 END,
           c.id
  LIMIT ${q.limit}`;
const beforeIndexSql = (q: VectorQuery) => Prisma.sql`
  WITH c AS MATERIALIZED (
    SELECT c.id, c.course_id, c.resource_id, c.chunk_index, c.content, c.chapter, c.page, c.language, c.low_confidence,
           (c.embedding <=> ${q.vector}::vector)::float8 AS distance
      FROM document_chunks c
     WHERE ${chunkFilter(q)} AND c.embedding_model = ${q.model}
     ORDER BY c.embedding::halfvec(1536) <=> ${q.vector}::halfvec(1536)
     LIMIT ${q.limit}
  )
  SELECT ${CHUNK_COLUMNS}, c.distance
    FROM c JOIN course_resources r ON r.id = c.resource_id`;
const BEFORE_SETTINGS: HnswSettings = {
  enable_seqscan: "off",
  enable_sort: "off",
  jit: "on",
  "hnsw.iterative_scan": "relaxed_order",
  "hnsw.ef_search": "100",
  "hnsw.max_scan_tuples": "20000",
  "hnsw.scan_mem_multiplier": "2",
};

const before: Record<"exact" | "index", Search> = {
  exact: async (db, q) => ranked(await db.$queryRaw<Row[]>(beforeExactSql(q)), q),
  // As shipped then: an interactive transaction.
  index: async (db, q) =>
    ranked(
      await db.$transaction(async (tx) => {
        await tx.$queryRaw(hnswSettingsSql(BEFORE_SETTINGS));
        return tx.$queryRaw<Row[]>(beforeIndexSql({ ...q, limit: Math.max(40, q.limit * 5) }));
      }),
      q,
    ),
};

type Path = "exact" | "quantized" | "index";
const PATHS: Path[] = ["exact", "quantized", "index"];

/** The shipped searches; the quantised path re-ranks as many candidates as the retriever would for `chunks`. */
const after = (chunks: number, settings: HnswSettings = HNSW_SETTINGS, candidates?: number): Record<Path, Search> => ({
  exact: exactSearch,
  quantized: (db, q) => quantizedSearch(db, q, candidates ?? quantizedCandidates(q.limit, chunks)),
  index: (db, q) => indexSearch(db, q, settings),
});

// ── Measuring ──

interface Course {
  slug: string;
  id: string;
  chunks: number;
}

/** Truth: per course, the ids of the full-precision exact search for each query. */
type Truth = Map<string, string[][]>;

async function measure(db: Db, search: Search, course: Course, vectors: string[], truth?: string[][], warmUp = 5) {
  const q = (vector: string): VectorQuery => ({ courseId: course.id, model: MODEL, vector, limit: TOP_K });
  for (const vector of vectors.slice(0, warmUp)) await search(db, q(vector));
  const ms: number[] = [];
  const found: string[][] = [];
  for (const vector of vectors) {
    const [rows, elapsed] = await timed(() => search(db, q(vector)));
    ms.push(elapsed);
    found.push(rows.map((r) => r.id));
  }
  let overlap = 0;
  if (truth) {
    found.forEach((ids, i) => {
      const expected = new Set(truth[i]);
      overlap += ids.filter((id) => expected.has(id)).length / Math.max(1, expected.size);
    });
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), recall: truth ? overlap / vectors.length : 1, found };
}

type Figures = Awaited<ReturnType<typeof measure>>;

/** EXPLAIN (ANALYZE, BUFFERS) of one query, with the query vector elided. */
async function explain(client: pg.Client, sql: Prisma.Sql, settings?: HnswSettings): Promise<string> {
  await client.query("BEGIN");
  try {
    if (settings) {
      const s = hnswSettingsSql(settings);
      await client.query(s.text, s.values);
    }
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
    return rows
      .map((r) => `    ${r["QUERY PLAN"].replace(/'\[[^\]]*\]'/g, "'[q]'").replace(/'[01]{64,}'/g, "'[q bits]'")}`)
      .filter((line) => !/^\s*(Output|Planning:)/.test(line))
      .join("\n");
  } finally {
    await client.query("COMMIT");
  }
}

/** Buffers one query hit and read (from the operating system), its time, and whether JIT compiled it. */
async function buffers(client: pg.Client, sql: Prisma.Sql, settings?: HnswSettings): Promise<string> {
  await client.query("BEGIN");
  try {
    if (settings) {
      const s = hnswSettingsSql(settings);
      await client.query(s.text, s.values);
    }
    const { rows } = await client.query<{ "QUERY PLAN": [Record<string, unknown>] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`,
      sql.values,
    );
    const top = rows[0]?.["QUERY PLAN"][0] as { Plan: Record<string, number>; "Execution Time": number; JIT?: unknown };
    return `shared hit=${top.Plan["Shared Hit Blocks"]} read=${top.Plan["Shared Read Blocks"]}, ${top["Execution Time"].toFixed(1)} ms${top.JIT ? ", JIT" : ", no JIT"}`;
  } finally {
    await client.query("COMMIT");
  }
}

/** Share of each of retrieval's relations in `shared_buffers` (pg_buffercache, created in the scratch database). */
async function residency(client: pg.Client): Promise<string> {
  try {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_buffercache");
    const { rows } = await client.query<{ name: string; blocks: string; cached: string }>(
      `SELECT c.relname AS name, pg_relation_size(c.oid) / current_setting('block_size')::int AS blocks,
              (SELECT count(*) FROM pg_buffercache b
                WHERE b.relfilenode = pg_relation_filenode(c.oid) AND b.relforknumber = 0
                  AND b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())) AS cached
         FROM pg_class c WHERE c.relname = ANY($1::text[]) ORDER BY array_position($1::text[], c.relname::text)`,
      [[...PREWARM_RELATIONS]],
    );
    return rows
      .map((r) => `${r.name} ${((100 * Number(r.cached)) / Math.max(1, Number(r.blocks))).toFixed(0)}% of ${r.blocks}`)
      .join("; ");
  } catch (error) {
    return `pg_buffercache unavailable (${(error as Error).message})`;
  }
}

const pathOf = (chunks: number): Path => (chunks > EXACT_SEARCH_MAX_CHUNKS ? "index" : "quantized");
/** The path the retriever took before the migration (decision 0017): exact up to the threshold. */
const pathBefore = (chunks: number): "exact" | "index" => (chunks > EXACT_SEARCH_MAX_CHUNKS ? "index" : "exact");

/** `first` and `more` further passes of the same measurement. */
async function passes(first: Figures, more: number, pass: () => Promise<Figures>): Promise<Figures[]> {
  const all = [first];
  for (let i = 0; i < more; i++) all.push(await pass());
  return all;
}
const MEASURED = ["target", "threshold", "other-1"];

async function main(): Promise<void> {
  const beforeDir = await mkdtemp(join(tmpdir(), "sira-bench-migrations-"));
  const names = (await readdir(migrations, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  if (!names.includes(MIGRATION)) throw new Error(`no migration ${MIGRATION}`);
  for (const name of names.filter((n) => n < MIGRATION))
    await cp(join(migrations, name), join(beforeDir, name), { recursive: true });

  await ensureDatabase(url);
  const client = new pg.Client({ connectionString: buildUrl });
  await client.connect();
  const { createDb } = await import("@sira/infra/db");
  const db = createDb({ url, poolMax: 2 });
  try {
    await migrate(url, beforeDir);
    await client.query(`DROP INDEX "document_chunks_embedding_hnsw_idx"`);
    const total = plan().reduce((n, c) => n + c.chunks, 0);
    const { rows: server } = await client.query<{ v: string }>(
      `SELECT current_setting('shared_buffers') || ' shared_buffers, ' || current_setting('work_mem') || ' work_mem, '
              || current_setting('effective_cache_size') || ' effective_cache_size, pgvector '
              || (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS v`,
    );
    log(
      `Retrieval bench: ${total} chunks in ${plan().length} courses; target course ${TARGET}; ${QUERIES} queries, top ${TOP_K}`,
    );
    log(`  server: ${server[0]?.v}; load average at start ${load()}`);
    const [ids, loadMs] = await timed(() => loadChunks(client));
    const courses: Course[] = plan()
      .filter((c) => MEASURED.includes(c.slug) && c.chunks > 0)
      .map((c) => ({ ...c, id: ids.get(c.slug) as string }));
    await client.query("VACUUM ANALYZE document_chunks");
    const [, beforeBuild] = await timed(() =>
      client.query(`CREATE INDEX "document_chunks_embedding_hnsw_idx" ON "document_chunks"
                    USING hnsw (("embedding"::halfvec(1536)) halfvec_cosine_ops)`),
    );
    log(`  load ${seconds(loadMs)}; HNSW (before) built in ${seconds(beforeBuild)}`);
    const sizesBefore = await sizes(client);
    const vectors = await queryVectors(client, QUERIES);

    const results = new Map<string, Figures>();
    /** Per course, passes of the retriever's path: `before <slug>` and `after <slug>`. */
    const repeated = new Map<string, Figures[]>();
    const truth: Truth = new Map();
    const plans: string[] = [];
    for (const course of courses) {
      const exact = await measure(db, before.exact, course, vectors);
      truth.set(course.slug, exact.found);
      results.set(`before ${course.slug} exact`, exact);
      results.set(`before ${course.slug} index`, await measure(db, before.index, course, vectors, exact.found));
      const shipped = pathBefore(course.chunks);
      repeated.set(
        `before ${course.slug}`,
        await passes(results.get(`before ${course.slug} ${shipped}`) as Figures, REPEAT - 1, () =>
          measure(db, before[shipped], course, vectors, exact.found),
        ),
      );
      if (EXPLAIN) {
        const q = { courseId: course.id, model: MODEL, vector: vectors[0] as string, limit: TOP_K };
        plans.push(`  before, ${course.slug}, exact:\n${await explain(client, beforeExactSql(q))}`);
        plans.push(
          `  before, ${course.slug}, index:\n${await explain(client, beforeIndexSql({ ...q, limit: 40 }), BEFORE_SETTINGS)}`,
        );
      }
    }

    const [, migrateMs] = await timed(() => migrate(buildUrl, migrations));
    const resident = await residency(client);
    // As `pnpm db:migrate` does once the migrations are applied.
    const [warmed, prewarmMs] = PREWARM ? await timed(() => prewarmRetrieval(client)) : [undefined, 0];
    // Until a VACUUM marks the rewritten pages all-visible, the quantised path's index-only scan also reads the heap.
    await client.query("ANALYZE document_chunks");
    const threshold = courses.find((c) => c.slug === "threshold");
    const unvacuumed = threshold
      ? await measure(db, after(threshold.chunks).quantized, threshold, vectors, truth.get(threshold.slug))
      : undefined;
    await client.query("VACUUM ANALYZE document_chunks");
    const sizesAfter = await sizes(client);
    log(`  migration ${MIGRATION} on the populated table: ${seconds(migrateMs)} (rewrite and HNSW build)`);
    log(`  load average before the searches ${load()}`);

    // The index path's first pass on the new index, before any other search reads it.
    const target = courses.find((c) => c.slug === "target");
    const cold: string[] = [];
    if (target) {
      const extra = await queryVectors(client, 2);
      const q = (vector: string) => ({ courseId: target.id, model: MODEL, vector, limit: TOP_K });
      cold.push(`  in shared_buffers after the migration: ${resident}`);
      cold.push(
        warmed
          ? `  prewarm (${seconds(prewarmMs)}): ${warmed.skipped ?? warmed.relations.map((r) => ("blocks" in r ? `${r.relation} ${r.blocks} blocks` : `${r.relation} ${r.skipped}`)).join("; ")}`
          : "  prewarm: skipped (BENCH_PREWARM=0)",
      );
      cold.push(`  in shared_buffers before the first search: ${await residency(client)}`);
      cold.push(`  first query: ${await buffers(client, indexSearchSql(q(extra[0] as string)), HNSW_SETTINGS)}`);
      const first = await measure(db, after(target.chunks).index, target, vectors, truth.get(target.slug), 0);
      cold.push(
        `  first pass, ${vectors.length} queries: p50 ${first.p50.toFixed(1)} ms, p99 ${first.p99.toFixed(1)} ms, recall ${first.recall.toFixed(3)} (load ${load()})`,
      );
      cold.push(`  query after it: ${await buffers(client, indexSearchSql(q(extra[1] as string)), HNSW_SETTINGS)}`);
      cold.push(`  in shared_buffers after the first pass: ${await residency(client)}`);
    }

    for (const course of courses) {
      for (const path of PATHS) {
        results.set(
          `after ${course.slug} ${path}`,
          await measure(db, after(course.chunks)[path], course, vectors, truth.get(course.slug)),
        );
        if (EXPLAIN) {
          const q = { courseId: course.id, model: MODEL, vector: vectors[0] as string, limit: TOP_K };
          const sql =
            path === "exact"
              ? exactSearchSql(q)
              : path === "quantized"
                ? quantizedSearchSql(q, quantizedCandidates(TOP_K, course.chunks))
                : indexSearchSql(q);
          plans.push(
            `  after, ${course.slug}, ${path}:\n${await explain(client, sql, path === "index" ? HNSW_SETTINGS : undefined)}`,
          );
        }
      }
    }

    for (const course of courses) {
      const shipped = pathOf(course.chunks);
      repeated.set(
        `after ${course.slug}`,
        await passes(results.get(`after ${course.slug} ${shipped}`) as Figures, REPEAT - 1, () =>
          measure(db, after(course.chunks)[shipped], course, vectors, truth.get(course.slug)),
        ),
      );
    }

    const tails = new Map<string, Awaited<ReturnType<typeof tail>>>();
    const tailVectors = await queryVectors(client, TAIL_QUERIES);
    for (const course of courses) {
      const search = after(course.chunks)[pathOf(course.chunks)];
      tails.set(
        course.slug,
        await tail(tailVectors, (vector) => search(db, { courseId: course.id, model: MODEL, vector, limit: TOP_K })),
      );
    }

    log();
    log(`Cold index: the target course's index path right after the migration${PREWARM ? " and the prewarm" : ""}`);
    for (const line of cold) log(line);

    log();
    log("Sizes per chunk (heap, TOAST, HNSW)");
    for (const [name, s] of [
      ["before: vector(1536)", sizesBefore],
      ["after: halfvec(1536)", sizesAfter],
    ] as const) {
      log(
        `  ${name.padEnd(22)} heap ${(s.heap / total).toFixed(0).padStart(5)} B  TOAST ${(s.toast / total).toFixed(0).padStart(5)} B  HNSW ${(s.hnsw / total).toFixed(0).padStart(5)} B  (${mib(s.heap + s.toast)} table, ${mib(s.hnsw)} index)`,
      );
    }

    log();
    log(`Latency and recall@${TOP_K} against the full-precision exact search (* = the path the retriever takes)`);
    const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
    log(
      `${"course".padEnd(26)}${"path".padEnd(11)}${"before p50".padStart(11)}${"p99".padStart(10)}${"recall".padStart(8)}   ${"after p50".padStart(10)}${"p99".padStart(10)}${"recall".padStart(8)}`,
    );
    for (const course of courses) {
      for (const path of PATHS) {
        const b = results.get(`before ${course.slug} ${path}`);
        const a = results.get(`after ${course.slug} ${path}`) as Figures;
        const mark = pathOf(course.chunks) === path ? "*" : " ";
        const was = b
          ? `${ms(b.p50).padStart(11)}${ms(b.p99)}${b.recall.toFixed(3).padStart(8)}`
          : `${"-".padStart(11)}${"".padStart(18)}`;
        log(
          `${`${course.slug} (${course.chunks})`.padEnd(26)}${`${path}${mark}`.padEnd(11)}${was}   ${ms(a.p50)}${ms(a.p99)}${a.recall.toFixed(3).padStart(8)}`,
        );
      }
    }

    log();
    log(`The retriever's path, ${REPEAT} passes of ${vectors.length} queries each (p50 / p99 ms per pass)`);
    const list = (figures: Figures[] | undefined) =>
      (figures ?? []).map((f) => `${f.p50.toFixed(1)} / ${f.p99.toFixed(1)}`).join(", ");
    for (const course of courses) {
      log(
        `  ${`${course.slug} (${course.chunks})`.padEnd(24)}before, ${pathBefore(course.chunks)}: ${list(repeated.get(`before ${course.slug}`))}`,
      );
      log(`  ${"".padEnd(24)}after, ${pathOf(course.chunks)}: ${list(repeated.get(`after ${course.slug}`))}`);
    }
    log();
    log(`The retriever's path (after), one pass of ${tailVectors.length} other queries: p50 / p95 / p99 / slowest, ms`);
    for (const course of courses) {
      const t = tails.get(course.slug);
      if (!t) continue;
      const figures = [t.p50, t.p95, t.p99, t.max].map((v) => v.toFixed(1)).join(" / ");
      log(`  ${`${course.slug} (${course.chunks})`.padEnd(24)}${pathOf(course.chunks)}: ${figures}  (load ${load()})`);
    }
    log();
    log(`Index path by hnsw.ef_search (after; other settings as shipped: ${JSON.stringify(HNSW_SETTINGS)})`);
    for (const course of courses.filter((c) => pathOf(c.chunks) === "index")) {
      for (const ef of EF_SWEEP) {
        const r = await measure(
          db,
          after(course.chunks, { ...HNSW_SETTINGS, "hnsw.ef_search": String(ef) }).index,
          course,
          vectors,
          truth.get(course.slug),
        );
        log(
          `  ${`${course.slug} (${course.chunks})`.padEnd(24)}ef_search ${String(ef).padStart(4)}${ms(r.p50)}${ms(r.p99)}${r.recall.toFixed(3).padStart(8)}`,
        );
      }
    }
    log();
    log("Quantised path by candidates re-ranked (after)");
    if (unvacuumed) {
      log(
        `  ${"threshold, before VACUUM".padEnd(24)}candidates ${String(quantizedCandidates(TOP_K, EXACT_SEARCH_MAX_CHUNKS)).padStart(4)}${ms(unvacuumed.p50)}${ms(unvacuumed.p99)}${unvacuumed.recall.toFixed(3).padStart(8)}`,
      );
    }
    for (const course of courses.filter((c) => pathOf(c.chunks) === "quantized")) {
      for (const candidates of CANDIDATE_SWEEP) {
        const r = await measure(
          db,
          after(course.chunks, HNSW_SETTINGS, candidates).quantized,
          course,
          vectors,
          truth.get(course.slug),
        );
        log(
          `  ${`${course.slug} (${course.chunks})`.padEnd(24)}candidates ${String(candidates).padStart(4)}${ms(r.p50)}${ms(r.p99)}${r.recall.toFixed(3).padStart(8)}`,
        );
      }
    }
    log(`  load average at the end ${load()}`);
    if (EXPLAIN) {
      log();
      log("EXPLAIN (ANALYZE, BUFFERS), first query");
      for (const p of plans) log(p);
    }
  } finally {
    await db.$disconnect();
    await client.end();
    if (process.env.BENCH_KEEP === "1") log(`kept database ${scratch}`);
    else await dropDatabase(base, scratch);
    await rm(beforeDir, { recursive: true, force: true });
  }
}

await main();
