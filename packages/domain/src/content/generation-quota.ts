/**
 * What one learner's requests may cost: a daily quota of new on-demand generations, counted in
 * Redis per UTC day (shared by every API process), and a small set of country contexts, so a
 * change of profile cannot multiply the versions of a lesson (decision 0028).
 */
import { AppError } from "@sira/contracts";
import type { Config, Redis } from "@sira/infra";

const DAY_SECONDS = 24 * 3600;

/** Seconds from `now` to the next midnight UTC (at least 1). */
export function secondsUntilUtcMidnight(now: Date): number {
  const seconds = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
  return Math.max(1, DAY_SECONDS - seconds);
}

const quotaKey = (userId: string, now: Date): string =>
  `sira:quota:generation:${now.toISOString().slice(0, 10)}:${userId}`;

/**
 * Counts one new generation against the user's quota for today (UTC), atomically; past the quota,
 * 429 GENERATION_QUOTA_EXCEEDED with Retry-After until midnight UTC.
 */
export async function chargeGeneration(
  deps: { redis: Redis; config: Pick<Config, "GENERATION_DAILY_QUOTA"> },
  userId: string,
  now = new Date(),
): Promise<void> {
  const key = quotaKey(userId, now);
  const untilMidnight = secondsUntilUtcMidnight(now);
  const replies = await deps.redis
    .multi()
    .incr(key)
    .expire(key, untilMidnight + 3600)
    .exec();
  const [error, count] = replies?.[0] ?? [new Error("the quota count did not run"), 0];
  if (error) throw error;
  if (Number(count) > deps.config.GENERATION_DAILY_QUOTA) {
    throw new AppError("GENERATION_QUOTA_EXCEEDED", { retryAfterSeconds: untilMidnight });
  }
}

/** The country content is written for: the learner's when served, else the first served country. */
export function countryContext(country: string, served: readonly string[]): string {
  const code = country.trim().toUpperCase();
  return served.includes(code) ? code : (served[0] ?? code);
}
