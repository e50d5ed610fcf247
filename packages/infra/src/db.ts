/** The Prisma client on node-postgres (adapter-pg, WASM query compiler: no native engine). */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { loadConfig } from "./config.ts";
import { poolOf, registerPool } from "./db-read.ts";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export { onQuery, type QueryEvent, readRows, readRowsAfter } from "./db-read.ts";
export { Prisma, PrismaClient } from "./generated/prisma/client.ts";

export interface DbOptions {
  url?: string;
  poolMax?: number;
  /** How long a query waits for a free connection (default DATABASE_POOL_WAIT_MS). */
  poolWaitMs?: number;
  /** Emit `query` events, e.g. so tests can count SQL statements. */
  logQueries?: boolean;
}

export type Db = PrismaClient;

/** The client or an open transaction: what a step that may run inside its caller's transaction takes. */
export type Tx = Db | Prisma.TransactionClient;

/** An open transaction only: for steps that lock rows or whose writes must commit together. */
export type Transaction = Prisma.TransactionClient;

/** Runs `work` in the caller's transaction when `db` already is one, else in a new one. */
export function inTransaction<T>(db: Tx, work: (tx: Transaction) => Promise<T>): Promise<T> {
  if ("$transaction" in db) return db.$transaction(work);
  return work(db);
}

/** A client's pool as it is now: connections open, idle, and queries waiting for one. */
export function poolStats(db: PrismaClient): { max: number; total: number; idle: number; waiting: number } | undefined {
  const pool = poolOf(db);
  if (!pool) return undefined;
  return { max: pool.options.max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** A new client with its own connection pool. */
export function createDb(options: DbOptions = {}): PrismaClient {
  const config = loadConfig();
  // The pool is built here rather than by the adapter so that its metrics can read it; the client
  // still owns it and ends it on $disconnect.
  const pool = new pg.Pool({
    connectionString: options.url ?? config.DATABASE_URL,
    max: options.poolMax ?? config.DATABASE_POOL_MAX,
    idleTimeoutMillis: 30_000,
    // Two connections outlive idle spells: a new backend pays page faults on its first touch of
    // shared_buffers (a first vector search 2-5x slower, decision 0055), so a quiet API keeps warm ones.
    min: Math.min(2, options.poolMax ?? config.DATABASE_POOL_MAX),
    // Idle connections never hold a finished script open (servers stay up through their sockets).
    allowExitOnIdle: true,
    connectionTimeoutMillis: options.poolWaitMs ?? config.DATABASE_POOL_WAIT_MS,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    application_name: process.env.SIRA_SERVICE ?? "sira",
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({
    adapter,
    // An interactive transaction waits for a connection as long as a query does; once started it
    // may run for the statement timeout (its statements are short; lock waits are what it spends).
    transactionOptions: {
      maxWait: options.poolWaitMs ?? config.DATABASE_POOL_WAIT_MS,
      timeout: Math.max(config.DATABASE_STATEMENT_TIMEOUT_MS, 5_000),
    },
    log: options.logQueries ? [{ emit: "event", level: "query" }] : [],
  });
  registerPool(client, pool);
  return client;
}

let shared: PrismaClient | undefined;

/** The process-wide client. */
export function db(): PrismaClient {
  shared ??= createDb();
  return shared;
}

export async function disconnectDb(): Promise<void> {
  await shared?.$disconnect();
  shared = undefined;
}
