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
 * backfill rows so that a rebuilt CHECK holds. Prisma neither diffs a change between `Unsupported(...)`
 * types nor expresses a column's storage or a table's autovacuum parameters, so a migration may change
 * a pgvector column's type (with its storage in the same statement: the type change resets it) and
 * set a table's autovacuum_* parameters, nothing else.
 */
export const ALLOWED_EXTRA =
  /^(ALTER TABLE "\w+" ADD CONSTRAINT "\w+" CHECK|ALTER TABLE "\w+" ALTER COLUMN "\w+" SET DATA TYPE (vector|halfvec)\(\d+\) USING |ALTER TABLE "\w+" DROP CONSTRAINT "\w+_check";$|UPDATE "\w+" SET |ALTER TABLE "\w+" DROP COLUMN "\w+", ADD COLUMN "\w+" \w+ GENERATED ALWAYS AS|CREATE (UNIQUE )?INDEX "\w+" ON "\w+" USING (hnsw|gin|gist|btree)|ALTER TABLE "\w+" SET \(autovacuum_\w+ = [\d.]+(, autovacuum_\w+ = [\d.]+)*\);$|CREATE (OR REPLACE )?FUNCTION|COMMENT ON|DROP INDEX "\w+";$)/;

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

const CREATE_INDEX = /^CREATE (?:UNIQUE )?INDEX "(\w+)"/;
const DROP_INDEX = /^DROP INDEX "(\w+)";$/;

/**
 * Extras statements in order, without each index that a later statement drops by name and without
 * that DROP: together they leave nothing in the final schema, and the CREATE may not even apply to it
 * (a later migration changed the indexed column's type).
 */
export function netStatements(statements: string[]): string[] {
  const kept: (string | null)[] = [];
  for (const statement of statements) {
    const dropped = DROP_INDEX.exec(statement)?.[1];
    const created = dropped ? kept.findLastIndex((s) => s !== null && CREATE_INDEX.exec(s)?.[1] === dropped) : -1;
    if (created >= 0) kept[created] = null;
    else kept.push(statement);
  }
  return kept.filter((s): s is string => s !== null);
}
