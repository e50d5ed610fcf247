/**
 * What `pnpm db:migrate` does: creates the database if needed, applies pending migrations, then
 * prewarms retrieval's relations into `shared_buffers` (decision 0055): migrations are what build the
 * HNSW index, and a freshly built index is otherwise read from the operating system by the first
 * searches. The prewarm is best-effort (see prewarmRetrieval) and runs on its own connection, after
 * the migrations' lock is released, so it holds up no migrator, search or write.
 */
import { ensureDatabase, type MigrateOptions, migrate } from "@sira/infra/migrator";
import pg from "pg";
import { type PrewarmResult, prewarmRetrieval } from "../../packages/ai/src/rag/prewarm.ts";

/** A prewarm reading from a slow disk gives up after this long (the relation is reported as failed). */
const PREWARM_TIMEOUT = "5min";

export interface MigrateResult {
  created: boolean;
  applied: string[];
  prewarm: PrewarmResult;
}

export async function migrateAndPrewarm(
  url: string,
  dir: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const created = await ensureDatabase(url);
  const applied = await migrate(url, dir, options);
  return { created, applied, prewarm: await prewarm(url) };
}

async function prewarm(url: string): Promise<PrewarmResult> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`SET statement_timeout = '${PREWARM_TIMEOUT}'`);
    return await prewarmRetrieval(client);
  } catch (error) {
    return { skipped: (error as Error).message, relations: [] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One line for the log: what was loaded, or why not. */
export function describePrewarm(result: PrewarmResult): string {
  if (result.skipped) return `prewarm skipped: ${result.skipped}`;
  const parts = result.relations.map((r) =>
    "blocks" in r
      ? `${r.relation} (${r.blocks} blocks)`
      : `${r.relation} skipped (${r.skipped}${r.error ? `: ${r.error}` : ""})`,
  );
  return `prewarmed into shared_buffers: ${parts.join(", ")}`;
}
