/**
 * Migrations run once per rollout even when two release jobs start together: each migrator takes
 * the advisory lock on its own connection, so the second waits and then finds nothing to apply.
 */
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate, readMigrations } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const MIGRATIONS = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
const LOCK_ID = 72707369; // the migrator's (and Prisma Migrate's) lock
const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const worker = process.env.VITEST_POOL_ID ?? "1";
const scratch: string[] = [];

/** A database name that does not exist yet (dropped first), removed after the file. */
async function unusedDatabase(label: string): Promise<string> {
  const name = `sira_test_${process.env.SIRA_TEST_RUN}_${label}_${worker}`;
  await dropDatabase(base, name);
  scratch.push(name);
  return withDatabase(base, name);
}

async function appliedRows(url: string): Promise<{ migration_name: string; n: number }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string; n: number }>(
      `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY 1`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of scratch) await dropDatabase(base, name);
});

describe("two migrators at once", () => {
  it("create the missing database once and apply every migration exactly once between them", async () => {
    const url = await unusedDatabase("race");
    const all = (await readMigrations(MIGRATIONS)).map((m) => m.name);

    const release = async () => {
      await ensureDatabase(url);
      return migrate(url, MIGRATIONS);
    };
    const [a, b] = await Promise.all([release(), release()]);

    // One did the work, the other waited for the lock and found everything applied.
    expect([a, b].sort((x, y) => x.length - y.length)).toEqual([[], all]);
    expect(await appliedRows(url)).toEqual(all.map((migration_name) => ({ migration_name, n: 1 })));
  });

  it("make the second wait while the first holds the lock, then apply what is left", async () => {
    const url = await unusedDatabase("wait");
    await ensureDatabase(url);
    const all = (await readMigrations(MIGRATIONS)).map((m) => m.name);

    // Another migrator's session holds the lock (advisory locks are per database).
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);

    let waiting!: () => void;
    const waited = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const second = migrate(url, MIGRATIONS, { onWait: waiting });
    await waited;
    // While it waits, nothing has been applied, not even the ledger table.
    const { rows } = await holder.query(`SELECT to_regclass('"_prisma_migrations"') AS ledger`);
    expect(rows[0].ledger).toBeNull();

    await holder.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
    await holder.end();
    expect(await second).toEqual(all);
    expect(await appliedRows(url)).toEqual(all.map((migration_name) => ({ migration_name, n: 1 })));
  });
});
