/**
 * Learning streaks counted in calendar days of the learner's own time zone. Pure: no I/O, no clock.
 *
 * The stored pair (streak_days, last_active) means: the learner was active on each of the
 * `streak_days` consecutive local days ending on the local day of `last_active`.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar date (`YYYY-MM-DD`) that `at` falls on in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Whole calendar days from local day `from` to local day `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface StreakState {
  streakDays: number;
  lastActive: Date;
}

/**
 * The streak after learning at `at`. Same local day: unchanged (at least 1); the next day: +1;
 * a longer gap: back to 1. An event older than `lastActive` (an offline replay arriving late) never
 * moves `lastActive` back and never shortens the streak; it lengthens it only when it falls on the
 * day just before the current run, the one case where the stored state proves the days connect.
 */
export function nextStreak(prevStreak: number, lastActive: Date | null, at: Date, timeZone: string): StreakState {
  if (!lastActive) return { streakDays: 1, lastActive: at };
  const streak = Math.max(prevStreak, 1);
  const gap = daysBetween(localDay(lastActive, timeZone), localDay(at, timeZone));
  if (at.getTime() >= lastActive.getTime()) {
    // gap < 0 is possible only where clocks fall back across midnight: still the same day for us.
    if (gap <= 0) return { streakDays: streak, lastActive: at };
    return { streakDays: gap === 1 ? streak + 1 : 1, lastActive: at };
  }
  return { streakDays: gap === -streak ? streak + 1 : streak, lastActive };
}

/** The streak to show at `now`: the stored one while it can still continue (last active today or yesterday), else 0. */
export function currentStreak(streakDays: number, lastActive: Date | null, now: Date, timeZone: string): number {
  if (!lastActive) return 0;
  return daysBetween(localDay(lastActive, timeZone), localDay(now, timeZone)) <= 1 ? streakDays : 0;
}
