/** GET /dashboard: served from the Redis cache (no SQL on a hit), else built and cached under the current version. */
import { AppError, type Language } from "@sira/contracts";
import { type Redis, redisDown } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { buildDashboard } from "./build.ts";
import { readCachedDashboard, storeCachedDashboard } from "./cache.ts";

export interface DashboardDeps {
  db: Db;
  redis: Redis;
}

/** The dashboard as JSON text (what the REST route sends as is) and whether it came from the cache. */
export async function getDashboardJson(
  deps: DashboardDeps,
  input: {
    userId: string;
    language: Language;
    now?: Date;
    /** Cache values already read in this request (`dashboardCacheKeys`), if any. */
    prefetched?: ReadonlyMap<string, string | null>;
  },
): Promise<{ json: string; cached: boolean }> {
  // While Redis is down the dashboard is built from the database, without waiting on the cache.
  const cached = redisDown(deps.redis)
    ? null
    : await readCachedDashboard(deps.redis, input.userId, input.language, input.prefetched).catch(() => null);
  if (cached?.hit) return { json: cached.hit, cached: true };
  const dashboard = await buildDashboard(deps.db, {
    userId: input.userId,
    language: input.language,
    now: input.now ?? new Date(),
  });
  if (!dashboard) throw new AppError("UNAUTHENTICATED");
  const json = JSON.stringify(dashboard);
  if (cached) {
    // A cache write that fails costs the next request a rebuild, nothing more.
    await storeCachedDashboard(deps.redis, input.userId, input.language, cached.version, json).catch(() => undefined);
  }
  return { json, cached: false };
}
