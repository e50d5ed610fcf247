/**
 * `pnpm bench:retrieval`: the retriever's two paths on synthetic data. One course holds
 * BENCH_CHUNKS chunks (default 100k) among BENCH_COURSES courses (default 20) that together hold
 * about 1.5× as many; a "threshold" course holds exactly EXACT_SEARCH_MAX_CHUNKS. Vectors are
 * clustered unit vectors made inside PostgreSQL (topics shared by every course, so neighbours
 * from other courses are close and the course filter matters). Prints, per path: p50/p99
 * latency, recall@8 of the index path against exact search with the same filter, and sizes per
 * chunk (HNSW on halfvec vs on vector, table). Throwaway database; figures only, no assertions.
 */
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import {
  EXACT_SEARCH_MAX_CHUNKS,
  exactSearch,
  HNSW_SETTINGS,
  indexSearch,
  type VectorQuery,
} from "../packages/ai/src/rag/vector-search.ts";

const int = (name: string, fallback: number) => Number.parseInt(process.env[name] ?? "", 10) || fallback;
const TARGET = int("BENCH_CHUNKS", 100_000);
const COURSES = int("BENCH_COURSES", 20);
const OTHERS = int("BENCH_OTHER_CHUNKS", Math.round(TARGET / 2));
const QUERIES = int("BENCH_QUERIES", 50);
const TOPICS = int("BENCH_TOPICS", 400);
const NOISE = 1_000;
const COMPARE_VECTOR_INDEX = process.env.BENCH_COMPARE_VECTOR !== "0";
const MODEL = "bench-synthetic";
const TOP_K = 8;

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_retrieval_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
// The searches run through Prisma like the app's; an exact scan of 100k chunks may exceed the app's timeout.
process.env.DATABASE_STATEMENT_TIMEOUT_MS = "0";

const HALFVEC_INDEX = `CREATE INDEX "document_chunks_embedding_hnsw_idx" ON "document_chunks"
  USING hnsw (("embedding"::halfvec(1536)) halfvec_cosine_ops)`;
const VECTOR_INDEX = `CREATE INDEX "bench_vector_hnsw_idx" ON "document_chunks" USING hnsw ("embedding" vector_cosine_ops)`;

const log = (line = "") => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const out = await work();
  return [out, performance.now() - start];
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

async function load(client: pg.Client): Promise<Map<string, string>> {
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
         SELECT $1::uuid, $2::uuid, g, 'passage ' || g, 400, CASE WHEN g % 3 = 0 THEN 'en' ELSE 'fr' END, 1 + g / 3,
                l2_normalize(t.v + a.v + b.v), $3
           FROM generate_series($4::int, $5::int) g
           JOIN bench_topics t ON t.id = (hashint4(g + $6::int) & 2147483647) % ${TOPICS}
           JOIN bench_noise_a a ON a.id = (hashint4(g * 3 + $6::int) & 2147483647) % ${NOISE}
           JOIN bench_noise_b b ON b.id = (hashint4(g * 5 + 1 + $6::int) & 2147483647) % ${NOISE}`,
        [course, resource, MODEL, from, Math.min(chunks, from + 20_000) - 1, salt],
      );
    }
    log(`  loaded ${slug}: ${chunks} chunks`);
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

async function sizeOf(client: pg.Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

async function measure(db: Parameters<typeof exactSearch>[0], courseId: string, vectors: string[]) {
  const exactMs: number[] = [];
  const indexMs: number[] = [];
  let overlap = 0;
  const q = (vector: string): VectorQuery => ({ courseId, model: MODEL, vector, limit: TOP_K });
  for (const vector of vectors.slice(0, 5)) {
    await exactSearch(db, q(vector));
    await indexSearch(db, q(vector));
  }
  for (const vector of vectors) {
    const [exact, e] = await timed(() => exactSearch(db, q(vector)));
    const [index, i] = await timed(() => indexSearch(db, q(vector)));
    exactMs.push(e);
    indexMs.push(i);
    const truth = new Set(exact.map((r) => r.id));
    overlap += index.filter((r) => truth.has(r.id)).length / Math.max(1, exact.length);
  }
  return { exactMs, indexMs, recall: overlap / vectors.length };
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { createDb } = await import("@sira/infra/db");
  const db = createDb({ url, poolMax: 2 });
  try {
    await migrate(url, migrations);
    await client.query("SET maintenance_work_mem = '2GB'; SET max_parallel_maintenance_workers = 2");
    await client.query(`DROP INDEX "document_chunks_embedding_hnsw_idx"`);
    const total = plan().reduce((n, c) => n + c.chunks, 0);
    log(
      `Retrieval bench: ${total} chunks in ${plan().length} courses; target course ${TARGET}; ${QUERIES} queries, top ${TOP_K}`,
    );
    const [courses, loadMs] = await timed(() => load(client));
    log(`  load: ${seconds(loadMs)}`);
    await client.query("VACUUM ANALYZE document_chunks");

    const [, halfvecBuild] = await timed(() => client.query(HALFVEC_INDEX));
    const halfvecBytes = await sizeOf(client, `SELECT pg_relation_size('document_chunks_embedding_hnsw_idx') AS n`);
    let vectorLine = "  HNSW on vector(1536): not built (BENCH_COMPARE_VECTOR=0)";
    if (COMPARE_VECTOR_INDEX) {
      const [, vectorBuild] = await timed(() => client.query(VECTOR_INDEX));
      const vectorBytes = await sizeOf(client, `SELECT pg_relation_size('bench_vector_hnsw_idx') AS n`);
      await client.query(`DROP INDEX "bench_vector_hnsw_idx"`);
      vectorLine = `  HNSW on vector(1536):  ${(vectorBytes / total).toFixed(0)} B/chunk, ${(vectorBytes / 2 ** 20).toFixed(0)} MiB, built in ${seconds(vectorBuild)}`;
    }
    const tableBytes = await sizeOf(client, `SELECT pg_table_size('document_chunks') AS n`);
    const heapBytes = await sizeOf(client, `SELECT pg_relation_size('document_chunks') AS n`);
    log();
    log("Sizes per chunk");
    log(
      `  HNSW on halfvec (shipped): ${(halfvecBytes / total).toFixed(0)} B/chunk, ${(halfvecBytes / 2 ** 20).toFixed(0)} MiB, built in ${seconds(halfvecBuild)}`,
    );
    log(vectorLine);
    log(
      `  table with TOAST: ${(tableBytes / total).toFixed(0)} B/chunk (heap alone ${(heapBytes / total).toFixed(0)} B/chunk)`,
    );

    const vectors = await queryVectors(client, QUERIES);
    log();
    log(
      `Latency and recall@${TOP_K} (index path: ${Object.entries(HNSW_SETTINGS)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
    );
    log(
      `${"course".padEnd(28)}${"exact p50".padStart(11)}${"exact p99".padStart(11)}${"index p50".padStart(11)}${"index p99".padStart(11)}${"recall@8".padStart(10)}`,
    );
    for (const [slug, size] of [
      ["target", TARGET],
      ["threshold", EXACT_SEARCH_MAX_CHUNKS],
      ["other-1", plan()[2]?.chunks ?? 0],
    ] as const) {
      const courseId = courses.get(slug);
      if (!courseId || size === 0) continue;
      const r = await measure(db, courseId, vectors);
      const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(11);
      log(
        `${`${slug} (${size} chunks)`.padEnd(28)}${ms(percentile(r.exactMs, 50))}${ms(percentile(r.exactMs, 99))}${ms(percentile(r.indexMs, 50))}${ms(percentile(r.indexMs, 99))}${r.recall.toFixed(3).padStart(10)}`,
      );
    }
  } finally {
    await db.$disconnect();
    await client.end();
    await dropDatabase(base, scratch);
  }
}

await main();
