/** A comparable snapshot of a database's schema, read from pg_catalog (column order ignored; a column's storage when not its type's, a table's storage parameters). */
import pg from "pg";

export interface Catalog {
  extensions: string[];
  tables: string[];
  columns: string[];
  constraints: string[];
  indexes: string[];
  functions: string[];
}

export async function readCatalog(url: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query<{ v: string }>(sql)).rows.map((r) => r.v).sort();
    return {
      extensions: await q(`SELECT extname AS v FROM pg_extension WHERE extname <> 'plpgsql'`),
      tables: await q(`
        SELECT c.relname || ' ' || array_to_string(c.reloptions, ', ') AS v
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         WHERE c.relkind = 'r' AND c.reloptions IS NOT NULL`),
      columns: await q(`
        SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ' || pg_get_expr(d.adbin, d.adrelid)
                       WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
               || CASE WHEN a.attstorage <> t.typstorage THEN ' STORAGE ' || a.attstorage::text ELSE '' END AS v
          FROM pg_attribute a
          JOIN pg_type t ON t.oid = a.atttypid
          JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`),
      constraints: await q(`
        SELECT cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid) AS v
          FROM pg_constraint co
          JOIN pg_class cl ON cl.oid = co.conrelid
          JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = 'public'
         WHERE cl.relname <> '_prisma_migrations'`),
      indexes: await q(`
        SELECT indexname || ' ' || indexdef AS v FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`),
      functions: await q(`
        SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc) AS v
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`),
    };
  } finally {
    await client.end();
  }
}

/** What one catalog has that the other lacks, per section; empty when identical. */
export function catalogDiff(a: Catalog, b: Catalog): Record<string, { onlyInA: string[]; onlyInB: string[] }> {
  const out: Record<string, { onlyInA: string[]; onlyInB: string[] }> = {};
  for (const key of Object.keys(a) as (keyof Catalog)[]) {
    const onlyInA = a[key].filter((x) => !b[key].includes(x));
    const onlyInB = b[key].filter((x) => !a[key].includes(x));
    if (onlyInA.length || onlyInB.length) out[key] = { onlyInA, onlyInB };
  }
  return out;
}
