/**
 * Test databases: one template built by the real migrations per run, then one copy per vitest
 * worker (so files run in parallel), wiped between tests by a single TRUNCATE. Names carry the
 * run's process id, so two runs on one machine never drop each other's databases.
 */
import { createServer } from "node:net";
import pg from "pg";
import { ensureDatabase, migrate } from "./migrator.ts";

/** A local port nothing listens on once this resolves: a service that is down, or one a test starts there. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const runId = (): string => process.env.SIRA_TEST_RUN ?? String(process.pid);
export const templateDb = (): string => `sira_test_${runId()}_template`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

/** Drops the test databases of finished runs and builds this run's template from the migrations. */
export async function buildTemplate(baseUrl: string, migrationsDir: string): Promise<void> {
  process.env.SIRA_TEST_RUN = runId(); // inherited by the test workers
  const { rows } = await adminQuery(baseUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'sira\\_test\\_%'");
  for (const { datname } of rows as { datname: string }[]) {
    const pid = Number(/^sira_test_(\d+)_/.exec(datname)?.[1]);
    if (!pid || pid === process.pid || !isAlive(pid)) await dropDatabase(baseUrl, datname);
  }
  const url = withDatabase(baseUrl, templateDb());
  await ensureDatabase(url);
  await migrate(url, migrationsDir);
}

/** This worker's own database, copied from the template. */
export async function workerDatabase(baseUrl: string, workerId: string): Promise<string> {
  const url = withDatabase(baseUrl, `sira_test_${runId()}_w${workerId}`);
  await ensureDatabase(url, templateDb());
  return url;
}

const cleaners = new Map<string, Promise<{ client: pg.Client; probe: string }>>();

async function cleanerFor(url: string): Promise<{ client: pg.Client; probe: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  // One round trip names the tables that hold rows; truncating only those is far cheaper.
  const probe = rows
    .map((r) => `SELECT '${r.name}' AS name WHERE EXISTS (SELECT 1 FROM ${r.name})`)
    .join(" UNION ALL ");
  return { client, probe };
}

/**
 * Empties every application table (not the migrations ledger) that holds rows. DELETE with
 * foreign-key triggers off is much faster than TRUNCATE on small tables: no files are swapped.
 */
export async function truncateAll(url: string): Promise<void> {
  let cleaner = cleaners.get(url);
  if (!cleaner) {
    cleaner = cleanerFor(url);
    cleaners.set(url, cleaner);
  }
  const { client, probe } = await cleaner;
  if (!probe) return;
  const { rows } = await client.query<{ name: string }>(probe);
  if (!rows.length) return;
  const deletes = rows.map((r) => `DELETE FROM ${r.name};`).join(" ");
  // Work a previous test left running (a job, a flush) can hold rows in another order: PostgreSQL
  // then picks one side of the deadlock to abort. Roll back, so the connection is usable, and retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`BEGIN; SET LOCAL session_replication_role = replica; ${deletes} COMMIT;`);
      return;
    } catch (error) {
      await client.query("ROLLBACK");
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= 3) throw error;
    }
  }
}

const DEADLOCK_DETECTED = "40P01";

export { withDatabase };

/** Drops every database this run created. */
export async function dropRunDatabases(baseUrl: string): Promise<void> {
  const { rows } = await adminQuery(baseUrl, "SELECT datname FROM pg_database WHERE datname LIKE $1", [
    `sira\\_test\\_${runId()}\\_%`,
  ]);
  for (const { datname } of rows as { datname: string }[]) await dropDatabase(baseUrl, datname);
}
