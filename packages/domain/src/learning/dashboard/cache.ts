/**
 * The dashboard's Redis cache. Each learner has a version counter; a cached dashboard is valid only
 * for the version it was built at, so an invalidation that lands while a dashboard is being built
 * is never lost (the stale build is stored under the old version and ignored). A hit is one Redis
 * round trip and no SQL.
 */
import type { Language } from "@sira/contracts";
import { type Logger, type Redis, redisDown } from "@sira/infra";

/** Safety net: a cached dashboard lives this long even if an invalidation is missed. */
export const DASHBOARD_TTL_SECONDS = 120;
const VERSION_TTL_SECONDS = 86_400;

const versionKey = (userId: string) => `sira:dash:v:${userId}`;
const dataKey = (userId: string, lang: Language) => `sira:dash:${userId}:${lang}`;

export interface CachedDashboard {
  version: number;
  hit: string | null;
}

/** The keys a dashboard read asks for, in order: a caller may read them ahead (`readCachedDashboard`). */
export const dashboardCacheKeys = (userId: string, lang: Language) => [versionKey(userId), dataKey(userId, lang)];

/**
 * The cached dashboard JSON for this version, or null, plus the version to build a new one under.
 * `prefetched` holds values of `dashboardCacheKeys` read earlier in the same request (the API's rate
 * limiter reads them in its round trip); only when it has both of this learner's keys are they used.
 */
export async function readCachedDashboard(
  redis: Redis,
  userId: string,
  lang: Language,
  prefetched?: ReadonlyMap<string, string | null>,
): Promise<CachedDashboard> {
  const keys = dashboardCacheKeys(userId, lang);
  const [version, data] =
    prefetched && keys.every((k) => prefetched.has(k))
      ? keys.map((k) => prefetched.get(k) ?? null)
      : await redis.mget(...keys);
  const v = Number(version ?? 0);
  if (!data) return { version: v, hit: null };
  const sep = data.indexOf("|");
  return { version: v, hit: Number(data.slice(0, sep)) === v ? data.slice(sep + 1) : null };
}

export async function storeCachedDashboard(
  redis: Redis,
  userId: string,
  lang: Language,
  version: number,
  json: string,
): Promise<void> {
  await redis.set(dataKey(userId, lang), `${version}|${json}`, "EX", DASHBOARD_TTL_SECONDS);
}

function bumpVersion(redis: Redis, userId: string) {
  return redis
    .multi()
    .incr(versionKey(userId))
    .expire(versionKey(userId), VERSION_TTL_SECONDS)
    .del(dataKey(userId, "fr"), dataKey(userId, "en"))
    .exec();
}

/** Learners whose invalidation failed while Redis was down, per client: invalidated once it is back. */
const missed = new WeakMap<Redis, Set<string>>();
/** Past this many, the rest wait for the cache's TTL (DASHBOARD_TTL_SECONDS). */
const MISSED_MAX = 10_000;

function invalidateWhenBack(redis: Redis, userId: string): void {
  let users = missed.get(redis);
  if (!users) {
    const pending = new Set<string>();
    users = pending;
    missed.set(redis, pending);
    redis.once("ready", () => {
      missed.delete(redis);
      for (const id of pending) void bumpVersion(redis, id).catch(() => undefined);
    });
  }
  if (users.size < MISSED_MAX) users.add(userId);
}

/**
 * Dashboard cache invalidation: call after any change that affects a learner's dashboard (unit
 * progress, reading, quiz submit, flashcard review, enrollment). Best effort: the change is already
 * stored, so a Redis failure is logged and never fails the request; the learner's cached dashboard
 * is invalidated when Redis is back (and expires on its own regardless).
 */
export async function invalidateDashboard(redis: Redis, userId: string, logger?: Pick<Logger, "warn">): Promise<void> {
  try {
    if (redisDown(redis)) throw new Error(`redis is ${redis.status}`);
    await bumpVersion(redis, userId);
  } catch (error) {
    invalidateWhenBack(redis, userId);
    logger?.warn(
      { err: (error as Error).message, user_id: userId },
      "dashboard invalidation failed; retried when Redis is back",
    );
  }
}
