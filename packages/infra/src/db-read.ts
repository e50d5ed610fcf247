/**
 * Reviewed SQL reads that skip Prisma's query layer (decision 0054, third pass): the statement runs
 * on the client's own pg pool as a named prepared statement, so PostgreSQL plans it once per
 * connection and no ORM work happens in Node. Only for hot reads whose gain was measured; inside a
 * transaction the statement goes through the transaction's connection with `$queryRaw` instead.
 *
 * Rows come back as node-postgres parses them: cast `count(*)` and other int8 results to `int` in
 * the SQL, so both paths give numbers. Timestamps are Dates, JSON is parsed, uuid and text are strings.
 */
import { hash } from "node:crypto";
import type pg from "pg";
import type { Tx } from "./db.ts";
import type { Prisma, PrismaClient } from "./generated/prisma/client.ts";
import { DependencyUnavailableError, isSocketError, unavailableDependency } from "./outage.ts";

/** What a query listener receives: the shape of Prisma's `query` event. */
export interface QueryEvent {
  query: string;
  params: string;
  duration: number;
}

type Listener = (event: QueryEvent) => void;
type Client = Tx;

const pools = new WeakMap<object, pg.Pool>();
const listeners = new WeakMap<object, Set<Listener>>();
/** Statement text → prepared statement name; bounded (past it, statements go unnamed). */
const names = new Map<string, string>();
const MAX_NAMES = 2_000;

/** Called by createDb: the pool a client owns. */
export function registerPool(client: PrismaClient, pool: pg.Pool): void {
  pools.set(client, pool);
}

/** The pool a client owns (undefined for a transaction client). */
export function poolOf(client: Client): pg.Pool | undefined {
  return pools.get(client);
}

/**
 * Calls `listener` for every statement the client sends: Prisma's own (when the client was made
 * with `logQueries`) and the reads of `readRows`. For tests and benches that count or replay SQL.
 */
export function onQuery(client: PrismaClient, listener: Listener): () => void {
  let set = listeners.get(client);
  if (!set) {
    const created = new Set<Listener>();
    listeners.set(client, created);
    (client as unknown as { $on(event: "query", cb: Listener): void }).$on("query", (e) => {
      for (const l of created) l(e);
    });
    set = created;
  }
  set.add(listener);
  return () => set.delete(listener);
}

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMES) {
    name = `sira_${hash("sha1", text).slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** A pool that could not give a connection, or a socket that went away, is an outage (503), not a bug. */
function asOutage(error: unknown): unknown {
  if (unavailableDependency(error)) return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (
    isSocketError(error) ||
    (typeof message === "string" && message.startsWith("timeout exceeded when trying to connect"))
  ) {
    return new DependencyUnavailableError("postgres", `postgres is unavailable: ${String(message)}`);
  }
  return error;
}

/** The statement as node-postgres takes it: by name once prepared, see the module comment. */
function statement(query: Prisma.Sql): pg.QueryConfig {
  const name = nameOf(query.text);
  return name ? { name, text: query.text, values: query.values } : { text: query.text, values: query.values };
}

function tell(client: Client, query: Prisma.Sql, started: number): void {
  const set = listeners.get(client);
  if (!set?.size) return;
  const event = { query: query.text, params: JSON.stringify(query.values), duration: performance.now() - started };
  for (const l of set) l(event);
}

/** Runs `query` (built with `Prisma.sql`) and returns its rows; see the module comment. */
export async function readRows<T>(client: Client, query: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(client);
  if (!pool) return (client as PrismaClient).$queryRaw<T[]>(query);
  const started = performance.now();
  let result: pg.QueryResult;
  try {
    result = await pool.query(statement(query));
  } catch (error) {
    throw asOutage(error);
  }
  tell(client, query, started);
  return result.rows as T[];
}

/**
 * `query`'s rows, with `setup` run before it in one transaction on one pooled connection: for
 * transaction-local settings (`set_config(…, true)`) that must hold for that one read and no other.
 * BEGIN, setup, query, COMMIT, both statements prepared like `readRows`'; about 2 ms less than
 * Prisma's batch `$transaction` for the vector index path (decision 0055, run 13). A client without
 * a registered pool runs the same batch through Prisma.
 */
export async function readRowsAfter<T>(client: PrismaClient, setup: Prisma.Sql, query: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(client);
  if (!pool) {
    const [, rows] = await client.$transaction([client.$queryRaw(setup), client.$queryRaw<T[]>(query)]);
    return rows;
  }
  const started = performance.now();
  let connection: pg.PoolClient;
  try {
    connection = await pool.connect();
  } catch (error) {
    throw asOutage(error);
  }
  // A connection whose ROLLBACK failed is in an unknown state: it is closed, not returned to the pool.
  let broken: Error | undefined;
  try {
    await connection.query("BEGIN");
    await connection.query(statement(setup));
    const result = await connection.query(statement(query));
    await connection.query("COMMIT");
    tell(client, setup, started);
    tell(client, query, started);
    return result.rows as T[];
  } catch (error) {
    await connection.query("ROLLBACK").catch((rollback: Error) => {
      broken = rollback;
    });
    throw asOutage(error);
  } finally {
    connection.release(broken);
  }
}
