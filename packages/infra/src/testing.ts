/**
 * Test databases: one template built by the real migrations per run, then one copy per vitest
 * worker (so files run in parallel), wiped between tests by a single TRUNCATE.
 */
import pg from "pg";
import { ensureDatabase, migrate } from "./migrator.ts";

export const TEMPLATE_DB = "sira_test_template";

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(baseUrl: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, "postgres") });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await adminQuery(baseUrl, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
  await adminQuery(baseUrl, `DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}"`);
}

/** Drops every test database of earlier runs and builds a fresh template from the migrations. */
export async function buildTemplate(baseUrl: string, migrationsDir: string): Promise<void> {
  const { rows } = await adminQuery(baseUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'sira\\_test\\_%'");
  for (const { datname } of rows as { datname: string }[]) await dropDatabase(baseUrl, datname);
  const url = withDatabase(baseUrl, TEMPLATE_DB);
  await ensureDatabase(url);
  await migrate(url, migrationsDir);
}

/** This worker's own database, copied from the template. */
export async function workerDatabase(baseUrl: string, workerId: string): Promise<string> {
  const url = withDatabase(baseUrl, `sira_test_w${workerId}`);
  await ensureDatabase(url, TEMPLATE_DB);
  return url;
}

/** Empties every application table (not the migrations ledger) in one statement. */
export async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT quote_ident(tablename) AS name FROM pg_tables
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    if (rows.length) await client.query(`TRUNCATE ${rows.map((r) => r.name).join(", ")} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
}

export { withDatabase };
