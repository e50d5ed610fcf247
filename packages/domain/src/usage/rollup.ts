/**
 * The daily roll-up of usage events (UTC days). Each day is rebuilt whole, in one transaction:
 * its rows in `usage_daily` (per kind and course) and `usage_user_days` (who was active, per
 * course) are deleted and recomputed from the raw events of that day. So a run repeated, or two
 * runs at once (serialised per day by an advisory lock), give the same rows, and events that
 * arrive late (offline replays) are counted when their day is rolled again: every run re-rolls the
 * last REROLL_DAYS days, and any day after the last one rolled.
 */
import { loadConfig, USAGE_REROLL_DAYS } from "@sira/infra";
import type { Db } from "@sira/infra/db";

const DAY_MS = 86_400_000;
/**
 * Offline replays carry their queued time, up to a week back: those days are rolled again. Raw
 * events are kept longer (USAGE_RETENTION_DAYS' minimum), so a rebuilt day never lost any.
 */
export const REROLL_DAYS = USAGE_REROLL_DAYS;
/** A first run on an old database rolls at most this many days back. */
const BACKFILL_MAX_DAYS = 400;

export interface RollupReport {
  /** The days rebuilt, oldest first (YYYY-MM-DD). */
  days: string[];
  dailyRows: number;
  userDayRows: number;
}

export const utcDay = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
export const isoDay = (day: Date): string => day.toISOString().slice(0, 10);

/** Rebuilds one UTC day of roll-ups from the raw events; returns the rows written. */
export async function rollUpDay(db: Db, day: Date): Promise<{ dailyRows: number; userDayRows: number }> {
  const from = utcDay(day);
  const to = new Date(from.getTime() + DAY_MS);
  const dayText = isoDay(from);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`usage-rollup:${dayText}`}, 0))`;
    await tx.$executeRaw`DELETE FROM usage_daily WHERE day = ${dayText}::date`;
    const dailyRows = await tx.$executeRaw`
      INSERT INTO usage_daily (day, kind, course_id, events, users, quantity, input_tokens, output_tokens, cost_micros)
      SELECT ${dayText}::date, kind, course_id, count(*)::int, count(DISTINCT user_id)::int, sum(quantity)::bigint,
             sum(CASE WHEN jsonb_typeof(metadata->'tokens_in') = 'number'
                      THEN (metadata->>'tokens_in')::numeric ELSE 0 END)::bigint,
             sum(CASE WHEN jsonb_typeof(metadata->'tokens_out') = 'number'
                      THEN (metadata->>'tokens_out')::numeric ELSE 0 END)::bigint,
             sum(CASE WHEN jsonb_typeof(metadata->'cost_micros') = 'number'
                      THEN (metadata->>'cost_micros')::numeric ELSE 0 END)::bigint
        FROM usage_events
       WHERE occurred_at >= ${from} AND occurred_at < ${to}
       GROUP BY kind, course_id`;
    await tx.$executeRaw`DELETE FROM usage_user_days WHERE day = ${dayText}::date`;
    const userDayRows = await tx.$executeRaw`
      INSERT INTO usage_user_days (day, user_id, course_id, events)
      SELECT ${dayText}::date, user_id, course_id, count(*)::int
        FROM usage_events
       WHERE occurred_at >= ${from} AND occurred_at < ${to} AND user_id IS NOT NULL
       GROUP BY user_id, course_id`;
    return { dailyRows, userDayRows };
  });
}

/**
 * The days a run at `now` rebuilds: after the last day rolled (or the first event), and the last
 * REROLL_DAYS; never a day whose raw events the retention may already have deleted (a roll-up
 * behind by more than the retention, such as after a long outage, keeps those days as they were).
 */
export async function daysToRoll(
  db: Db,
  now: Date,
  retentionDays = loadConfig().USAGE_RETENTION_DAYS,
): Promise<Date[]> {
  const today = utcDay(now);
  const [row] = await db.$queryRaw<{ last: Date | null; first: Date | null }[]>`
    SELECT (SELECT max(day) FROM usage_daily)::timestamptz AS last,
           (SELECT min(occurred_at) FROM usage_events) AS first`;
  const recent = new Date(today.getTime() - (REROLL_DAYS - 1) * DAY_MS);
  // The first whole day after the retention's cut-off (events before it may be gone).
  const kept = new Date(utcDay(new Date(now.getTime() - retentionDays * DAY_MS)).getTime() + DAY_MS);
  const floor = new Date(Math.max(today.getTime() - BACKFILL_MAX_DAYS * DAY_MS, kept.getTime()));
  let start = recent;
  if (row?.last) start = new Date(Math.min(recent.getTime(), utcDay(row.last).getTime()));
  else if (row?.first) start = new Date(Math.min(recent.getTime(), utcDay(row.first).getTime()));
  if (start < floor) start = floor;
  const days: Date[] = [];
  for (let at = start.getTime(); at <= today.getTime(); at += DAY_MS) days.push(new Date(at));
  return days;
}

/** The roll-up job: rebuilds every day `daysToRoll` names. */
export async function rollUpUsage(db: Db, now = new Date(), retentionDays?: number): Promise<RollupReport> {
  const report: RollupReport = { days: [], dailyRows: 0, userDayRows: 0 };
  for (const day of await daysToRoll(db, now, retentionDays)) {
    const rows = await rollUpDay(db, day);
    report.days.push(isoDay(day));
    report.dailyRows += rows.dailyRows;
    report.userDayRows += rows.userDayRows;
  }
  return report;
}
