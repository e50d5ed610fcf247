/** Prewarming retrieval's relations into shared_buffers after an index build, on the real database. */
import { createDb } from "@sira/infra/db";
import { ensureDatabase } from "@sira/infra/migrator";
import { dropDatabase, truncateAll, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../src/embeddings/hashing.ts";
import { PREWARM_RELATIONS, prewarmRetrieval } from "../src/rag/prewarm.ts";
import { vectorLiteral } from "../src/rag/vector-literal.ts";
import { hnswSettingsSql, indexSearchSql, quantizedSearchSql } from "../src/rag/vector-search.ts";
import { courseWithResource, insertRandomChunks } from "./fixtures/chunks.ts";

const url = process.env.DATABASE_URL as string;
const db = createDb({ url });
const client = new pg.Client({ connectionString: url });
const embedder = new HashingEmbedder();
beforeAll(() => client.connect());
beforeEach(() => truncateAll(url));
afterAll(async () => {
  await client.end();
  await db.$disconnect();
});

/** Buffers the query read from outside shared_buffers (EXPLAIN ANALYZE, BUFFERS). */
async function sharedReads(sql: { text: string; values: unknown[] }, settings = false): Promise<number> {
  await client.query("BEGIN");
  try {
    if (settings) {
      const s = hnswSettingsSql();
      await client.query(s.text, s.values);
    }
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: Record<string, number> }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`,
      sql.values,
    );
    return rows[0]?.["QUERY PLAN"][0].Plan["Shared Read Blocks"] ?? Number.NaN;
  } finally {
    await client.query("COMMIT");
  }
}

async function blocksOf(relation: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT (pg_relation_size(to_regclass($1)) / current_setting('block_size')::int)::int AS n`,
    [relation],
  );
  return rows[0]?.n ?? Number.NaN;
}

describe("prewarmRetrieval", () => {
  it("loads a freshly built index into shared_buffers, so the first searches read nothing from outside them", async () => {
    const course = await courseWithResource(db, "grand");
    await insertRandomChunks(db, course, 300, embedder.model);
    await client.query("VACUUM ANALYZE document_chunks");
    const [vector] = await embedder.embed(["paludisme"]);
    const q = { courseId: course.courseId, model: embedder.model, vector: vectorLiteral(vector as number[]), limit: 8 };
    const quantized = quantizedSearchSql(q, 200);
    const index = indexSearchSql(q);
    const rebuild = () =>
      client.query(
        `REINDEX INDEX document_chunks_course_id_embedding_model_bits_idx; REINDEX INDEX document_chunks_embedding_hnsw_idx`,
      );

    // A build writes the new index beside shared_buffers: the first search reads it from the operating system.
    await rebuild();
    expect(await sharedReads(quantized)).toBeGreaterThan(0);

    await rebuild();
    const result = await prewarmRetrieval(client);
    expect(result.skipped).toBeUndefined();
    const expected: { relation: string; blocks: number }[] = [];
    for (const relation of PREWARM_RELATIONS) expected.push({ relation, blocks: await blocksOf(relation) });
    expect(result.relations).toEqual(expected);
    for (const { blocks } of expected) expect(blocks).toBeGreaterThan(0);
    expect(await sharedReads(quantized)).toBe(0);
    expect(await sharedReads(index, true)).toBe(0);
  });

  it("skips what would fill more than its share of shared_buffers", async () => {
    const course = await courseWithResource(db, "grand");
    await insertRandomChunks(db, course, 50, embedder.model);
    const result = await prewarmRetrieval(client, { budget: 0 });
    expect(result.relations).toEqual(PREWARM_RELATIONS.map((relation) => ({ relation, skipped: "over budget" })));
  });

  it("is best-effort: without the extension or the relations it reports why and does not throw", async () => {
    const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const name = `sira_test_${process.env.SIRA_TEST_RUN}_prewarm_${process.env.VITEST_POOL_ID ?? "1"}`;
    await dropDatabase(base, name);
    await ensureDatabase(withDatabase(base, name));
    const bare = new pg.Client({ connectionString: withDatabase(base, name) });
    await bare.connect();
    try {
      expect(await prewarmRetrieval(bare)).toEqual({
        skipped: "the pg_prewarm extension is not installed",
        relations: [],
      });
      await bare.query("CREATE EXTENSION pg_prewarm");
      expect(await prewarmRetrieval(bare)).toEqual({
        relations: PREWARM_RELATIONS.map((relation) => ({ relation, skipped: "missing" })),
      });
    } finally {
      await bare.end();
      await dropDatabase(base, name);
    }
  });
});
