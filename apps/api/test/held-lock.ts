/**
 * A lock held by a raw connection while requests run into it: `sql` runs in an open transaction,
 * `waiters(n)` returns once n other connections wait on a lock, and `release()` commits. Both
 * connections are closed when `run` ends, whatever happens.
 */
import pg from "pg";
import { lockWaiters } from "./lock-waiters.ts";

export interface HeldLock {
  /** Until `n` other connections wait on a lock, or until `done()`. */
  waiters: (n: number, done?: () => boolean) => Promise<void>;
  /** Commits the holding transaction: the waiters go on. */
  release: () => Promise<void>;
}

export async function withHeldLock<T>(sql: string, params: unknown[], run: (held: HeldLock) => Promise<T>): Promise<T> {
  const pause = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const watch = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await Promise.all([pause.connect(), watch.connect()]);
  try {
    await pause.query("BEGIN");
    await pause.query(sql, params);
    return await run({
      waiters: (n, done) => lockWaiters(watch, n, done),
      release: async () => {
        await pause.query("COMMIT");
      },
    });
  } finally {
    await Promise.all([pause.end(), watch.end()]);
  }
}
