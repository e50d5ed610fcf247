/**
 * `pnpm db:migration:new <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
 * SQL that takes the schema at the last commit (git HEAD; empty before the first migration) to the
 * working schema.prisma, exactly as `prisma migrate dev` would. Append hand-written SQL (CHECKs, HNSW/GIN, generated columns) at its
 * end, between `-- sira:extras` markers, so the drift test can tell it apart.
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { diffSchemas } from "./lib/schema-engine.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: pnpm db:migration:new <snake_case_name>");
  process.exit(2);
}
const current = await readFile("prisma/schema.prisma", "utf8");
const hasMigrations = (await readdir("prisma/migrations", { withFileTypes: true })).some((e) => e.isDirectory());
let previous: string | null = null;
if (hasMigrations) {
  previous = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8", stdio: "pipe" });
}
const sql = await diffSchemas(previous, current);
if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) {
  console.log("schema.prisma has not changed since HEAD: nothing to migrate");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = `prisma/migrations/${stamp}_${name}`;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/migration.sql`, sql);
console.log(`wrote ${dir}/migration.sql`);
process.exit(0);
