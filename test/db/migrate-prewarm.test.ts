/** `pnpm db:migrate` (scripts/lib/migrate.ts): the migrations, then retrieval's relations prewarmed. */
import { fileURLToPath } from "node:url";
import { readMigrations } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PREWARM_RELATIONS } from "../../packages/ai/src/rag/prewarm.ts";
import { describePrewarm, migrateAndPrewarm } from "../../scripts/lib/migrate.ts";

const MIGRATIONS = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `sira_test_${process.env.SIRA_TEST_RUN}_migrate_prewarm_${process.env.VITEST_POOL_ID ?? "1"}`;
const url = withDatabase(base, name);
afterAll(() => dropDatabase(base, name));

async function blocks(): Promise<{ relation: string; blocks: number }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: { relation: string; blocks: number }[] = [];
    for (const relation of PREWARM_RELATIONS) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT (pg_relation_size(to_regclass($1)) / current_setting('block_size')::int)::int AS n`,
        [relation],
      );
      out.push({ relation, blocks: rows[0]?.n ?? Number.NaN });
    }
    return out;
  } finally {
    await client.end();
  }
}

describe("migrateAndPrewarm", () => {
  it("creates the database, applies the migrations (which create pg_prewarm and build the indexes), then prewarms every retrieval relation", async () => {
    await dropDatabase(base, name);
    const first = await migrateAndPrewarm(url, MIGRATIONS);
    expect(first.created).toBe(true);
    expect(first.applied).toEqual((await readMigrations(MIGRATIONS)).map((m) => m.name));
    expect(first.prewarm).toEqual({ relations: await blocks() });
    expect(describePrewarm(first.prewarm)).toMatch(
      /^prewarmed into shared_buffers: document_chunks_embedding_hnsw_idx \(\d+ blocks\)/,
    );

    // Nothing left to apply: the relations are prewarmed all the same (a restarted server's release job).
    const second = await migrateAndPrewarm(url, MIGRATIONS);
    expect(second).toEqual({ created: false, applied: [], prewarm: first.prewarm });
  });
});
