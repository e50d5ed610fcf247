import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, MigrationError, migrate, readMigrations } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { diffSchemas } from "../../scripts/lib/schema-engine.ts";
import { catalogDiff, readCatalog } from "./catalog.ts";
import { ALLOWED_EXTRA, extrasOf, netStatements, statementsOf } from "./extras.ts";

const MIGRATIONS = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
const SCHEMA = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const worker = process.env.VITEST_POOL_ID ?? "1";
const scratch: string[] = [];

async function freshDatabase(label: string): Promise<string> {
  const name = `sira_test_${process.env.SIRA_TEST_RUN}_${label}_${worker}`;
  await dropDatabase(base, name);
  await ensureDatabase(withDatabase(base, name));
  scratch.push(name);
  return withDatabase(base, name);
}

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of scratch) await dropDatabase(base, name);
});

describe("migrations", () => {
  it("apply to an empty database in order, record themselves like Prisma, and are a no-op the second time", async () => {
    const url = await freshDatabase("apply");
    const all = (await readMigrations(MIGRATIONS)).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);

    expect(await migrate(url, MIGRATIONS)).toEqual(all);
    expect(await migrate(url, MIGRATIONS)).toEqual([]);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    const checksums = new Map((await readMigrations(MIGRATIONS)).map((m) => [m.name, m.checksum]));
    expect(rows.map((r) => r.migration_name)).toEqual(all);
    for (const r of rows) {
      expect(r.checksum).toBe(checksums.get(r.migration_name));
      expect(r.finished_at).toBeInstanceOf(Date);
    }
  });

  it("refuse to run when an applied migration was edited afterwards", async () => {
    const url = await freshDatabase("edited");
    const dir = await mkdtemp(join(tmpdir(), "sira-migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    await migrate(url, dir);
    const [first] = await readMigrations(dir);
    if (!first) throw new Error("no migration");
    const file = join(dir, first.name, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited\n`);
    await expect(migrate(url, dir)).rejects.toBeInstanceOf(MigrationError);
  });

  it("build exactly the schema that schema.prisma describes, plus the hand-written extras (no drift)", async () => {
    const fromSchema = await freshDatabase("drift");
    const engineSql = await diffSchemas(null, await readFile(SCHEMA, "utf8"));
    const extras = netStatements(
      (await readMigrations(MIGRATIONS)).flatMap((m) => extrasOf(m.sql).flatMap(statementsOf)),
    );
    await run(fromSchema, engineSql);
    for (const statement of extras) await run(fromSchema, statement);

    const migrated = await readCatalog(process.env.DATABASE_URL as string);
    const expected = await readCatalog(fromSchema);
    expect(catalogDiff(migrated, expected)).toEqual({});
  });

  it("hand-write only what Prisma's schema language cannot express", async () => {
    const statements = (await readMigrations(MIGRATIONS)).flatMap((m) => extrasOf(m.sql).flatMap(statementsOf));
    expect(statements.length).toBeGreaterThan(0);
    const refused = statements.filter((s) => !ALLOWED_EXTRA.test(s));
    expect(refused).toEqual([]);
  });
});
