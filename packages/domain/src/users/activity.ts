/**
 * Learning activity: every lesson read, quiz answered or card reviewed moves `last_active` and the
 * streak. Progress, quiz and flashcard services call this with the event's real time (`occurredAt`).
 */
import type { Transaction, Tx } from "@sira/infra/db";
import { nextStreak, type StreakState } from "./streak.ts";
import { effectiveTimezone } from "./timezones.ts";

interface ActivityRow {
  streak_days: number;
  last_active: Date | null;
  timezone: string | null;
  country: string;
}

async function record(tx: Transaction, userId: string, at: Date): Promise<StreakState | null> {
  // Concurrent activities of one learner are applied one after the other, never both from the same
  // old state (which would lose a day or move last_active backwards). FOR NO KEY UPDATE, not FOR
  // UPDATE: the caller's transaction has often just written a row naming the user (a review, an
  // answer), which holds a key-share lock on it; FOR UPDATE would wait on another transaction's
  // key-share lock while that one waits on ours, and PostgreSQL would kill one as a deadlock.
  const [row] = await tx.$queryRaw<ActivityRow[]>`
    SELECT streak_days, last_active, timezone, country FROM users
    WHERE id = ${userId}::uuid AND deleted_at IS NULL
    FOR NO KEY UPDATE`;
  if (!row) return null;
  const next = nextStreak(row.streak_days, row.last_active, at, effectiveTimezone(row));
  if (next.streakDays !== row.streak_days || next.lastActive.getTime() !== row.last_active?.getTime()) {
    await tx.user.update({
      where: { id: userId },
      data: { streakDays: next.streakDays, lastActive: next.lastActive },
    });
  }
  return next;
}

/**
 * Records that the user learned at `at` (by calendar day in their time zone) and returns the new
 * streak state; null for an erased or unknown account. Pass the caller's transaction to make it
 * part of that transaction (the user row stays locked until it commits).
 */
export async function recordLearningActivity(db: Tx, userId: string, at: Date): Promise<StreakState | null> {
  if ("$transaction" in db) return db.$transaction((tx) => record(tx, userId, at));
  return record(db, userId, at);
}
