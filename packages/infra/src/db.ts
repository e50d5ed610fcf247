/** The Prisma client on node-postgres (adapter-pg, WASM query compiler: no native engine). */
import { PrismaPg } from "@prisma/adapter-pg";
import { loadConfig } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export { Prisma, PrismaClient } from "./generated/prisma/client.ts";

export interface DbOptions {
  url?: string;
  poolMax?: number;
  /** Emit `query` events, e.g. so tests can count SQL statements. */
  logQueries?: boolean;
}

export type Db = PrismaClient;

/** A new client with its own connection pool. */
export function createDb(options: DbOptions = {}): PrismaClient {
  const config = loadConfig();
  const adapter = new PrismaPg({
    connectionString: options.url ?? config.DATABASE_URL,
    max: options.poolMax ?? config.DATABASE_POOL_MAX,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    application_name: process.env.SIRA_SERVICE ?? "sira",
  });
  return new PrismaClient({
    adapter,
    log: options.logQueries ? [{ emit: "event", level: "query" }] : [],
  });
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
