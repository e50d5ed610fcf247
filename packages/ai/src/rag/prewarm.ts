/**
 * Loads retrieval's relations into PostgreSQL's `shared_buffers` with the `pg_prewarm` extension
 * (decision 0055). A freshly built HNSW index, or any relation after a restart, is read page by page
 * from the operating system by the first searches, which then run several times slower than the
 * steady state. `pnpm db:migrate` calls this after applying migrations (the migrations are what
 * build the index); `pg_prewarm.autoprewarm` covers restarts (docs/operations.md).
 *
 * Best-effort: without the extension, or on any error, it reports what it skipped and never throws.
 * It takes an `AccessShareLock` on each relation while it reads it, which blocks no search and no
 * write.
 */

/** The part of `pg.Client`/`pg.Pool` this needs. */
export interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * In order of need: the graph the index path walks, the covering index the quantised path scans,
 * then the rows both re-rank (and the index path filters by course).
 */
export const PREWARM_RELATIONS = [
  "document_chunks_embedding_hnsw_idx",
  "document_chunks_course_id_embedding_model_bits_idx",
  "document_chunks",
] as const;

/**
 * Share of `shared_buffers` the relations may fill together: a relation that would pass it is
 * skipped, since reading more than the cache holds evicts what was just loaded (and everything else).
 */
export const PREWARM_BUDGET = 0.5;

export type PrewarmOutcome =
  | { relation: string; blocks: number }
  | { relation: string; skipped: "missing" | "over budget" | "failed"; error?: string };

export interface PrewarmResult {
  /** Set when nothing was attempted: the extension is not installed, or the server could not be asked. */
  skipped?: string;
  relations: PrewarmOutcome[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function prewarmRetrieval(
  db: Queryable,
  options: { relations?: readonly string[]; budget?: number } = {},
): Promise<PrewarmResult> {
  const relations = options.relations ?? PREWARM_RELATIONS;
  let budgetBlocks: number;
  try {
    const { rows } = await db.query<{ installed: boolean; buffers: string }>(
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm') AS installed,
              (SELECT setting FROM pg_settings WHERE name = 'shared_buffers') AS buffers`,
    );
    if (!rows[0]?.installed) return { skipped: "the pg_prewarm extension is not installed", relations: [] };
    budgetBlocks = Number(rows[0].buffers) * (options.budget ?? PREWARM_BUDGET);
  } catch (error) {
    return { skipped: message(error), relations: [] };
  }
  const out: PrewarmOutcome[] = [];
  let used = 0;
  for (const relation of relations) {
    try {
      const { rows } = await db.query<{ blocks: string | null }>(
        `SELECT pg_relation_size(to_regclass($1)) / current_setting('block_size')::bigint AS blocks`,
        [relation],
      );
      const size = rows[0]?.blocks;
      if (size === null || size === undefined) {
        out.push({ relation, skipped: "missing" });
        continue;
      }
      if (used + Number(size) > budgetBlocks) {
        out.push({ relation, skipped: "over budget" });
        continue;
      }
      const { rows: warmed } = await db.query<{ blocks: string }>(
        `SELECT pg_prewarm(to_regclass($1), 'buffer') AS blocks`,
        [relation],
      );
      used += Number(size);
      out.push({ relation, blocks: Number(warmed[0]?.blocks ?? 0) });
    } catch (error) {
      out.push({ relation, skipped: "failed", error: message(error) });
    }
  }
  return { relations: out };
}
