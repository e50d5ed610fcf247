/**
 * Waits until `n` other connections of this database wait on a lock, or until `done()`: how race
 * tests know a request has reached the lock a held connection keeps from it. `client` may be inside
 * a transaction (the activity view's snapshot is dropped before each look).
 */
import type pg from "pg";

export async function lockWaiters(client: pg.Client, n: number, done = () => false): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!done()) throw new Error(`fewer than ${n} connections waiting on a lock`);
}
