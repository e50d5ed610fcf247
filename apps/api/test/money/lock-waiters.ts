/**
 * Waits until `n` connections of this database wait on a lock, or until `done()`. `watch` is
 * outside any transaction: one inside would see the same activity snapshot on every read.
 */
import type pg from "pg";

export async function lockWaiters(watch: pg.Client, n: number, done = () => false): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) {
    const { rows } = await watch.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!done()) throw new Error(`fewer than ${n} connections waiting on a lock`);
}
