/** The hand-written parts of migrations, between `-- sira:extras begin` and `-- sira:extras end`. */
export const EXTRAS_BLOCK = /-- sira:extras begin\n([\s\S]*?)-- sira:extras end/g;

export function extrasOf(sql: string): string[] {
  return [...sql.matchAll(EXTRAS_BLOCK)].map((m) => m[1] ?? "");
}

/** The migration with its extras removed: what Prisma's engine generated. */
export function withoutExtras(sql: string): string {
  return sql.replace(EXTRAS_BLOCK, "");
}

/**
 * Statement kinds allowed in extras: only what Prisma's schema language cannot express. A later
 * migration may drop a hand-written index or CHECK by name (to rebuild it differently) and
 * backfill rows so that a rebuilt CHECK holds, nothing else.
 */
export const ALLOWED_EXTRA =
  /^(ALTER TABLE "\w+" ADD CONSTRAINT "\w+" CHECK|ALTER TABLE "\w+" DROP CONSTRAINT "\w+_check";$|UPDATE "\w+" SET |ALTER TABLE "\w+" DROP COLUMN "\w+", ADD COLUMN "\w+" \w+ GENERATED ALWAYS AS|CREATE (UNIQUE )?INDEX "\w+" ON "\w+" USING (hnsw|gin|gist|btree)|CREATE (OR REPLACE )?FUNCTION|COMMENT ON|DROP INDEX "\w+";$)/;

/** Splits extras into statements (functions use $$ bodies, which may contain semicolons). */
export function statementsOf(block: string): string[] {
  const out: string[] = [];
  let current = "";
  let inDollar = false;
  for (const line of block.split("\n")) {
    if (line.trim().startsWith("--") && !inDollar && current.trim() === "") continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar;
    if (!inDollar && line.trimEnd().endsWith(";")) {
      out.push(current.trim());
      current = "";
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
