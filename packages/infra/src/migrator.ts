/**
 * Applies prisma/migrations/<name>/migration.sql in order and records them in Prisma's own
 * `_prisma_migrations` table, so `prisma migrate status|deploy` agree wherever Prisma's native
 * engine exists. Each migration runs in one transaction. The whole run holds a session advisory
 * lock on its own connection, so migrators started together (two replicas' release jobs) never
 * race: the second waits for the first, then finds nothing left to apply.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";

const LOCK_ID = 72707369; // the lock id Prisma Migrate uses, so the two never run at once

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const createTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export interface MigrateOptions {
  /** Called once when another migrator holds the lock, before waiting for it. */
  onWait?: () => void;
}

/** Applies pending migrations; returns the names applied. Fails if an applied one was edited. */
export async function migrate(connectionString: string, dir: string, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows: locked } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LOCK_ID]);
    if (!locked[0]?.ok) {
      options.onWait?.();
      await client.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
    }
    await client.query(createTable);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const m of migrations) {
      const previous = applied.get(m.name);
      if (previous?.finished_at) {
        if (previous.checksum !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was edited after it was applied`);
        }
        continue;
      }
      if (previous) throw new MigrationError(`migration ${m.name} failed earlier; fix the database, then retry`);
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [id, m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${m.name} failed: ${(error as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

/** duplicate_database, or the catalogue's unique index when both CREATE DATABASE ran at once. */
const CONCURRENTLY_CREATED = new Set(["42P04", "23505"]);

/** Creates the database named in the URL if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(connectionString: string, template?: string): Promise<boolean> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
    try {
      await admin.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ""}`);
    } catch (error) {
      // Another process created it between the check and here (two release jobs started together).
      if (CONCURRENTLY_CREATED.has((error as { code?: string }).code ?? "")) return false;
      throw error;
    }
    return true;
  } finally {
    await admin.end();
  }
}
