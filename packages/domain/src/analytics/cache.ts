/**
 * The analytics overview behind a short Redis cache, one key per language: the figures scan every
 * enrollment, and a back office that refreshes often would recompute them for every admin.
 */
import type { AnalyticsOverview, Language } from "@sira/contracts";
import type { Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { analyticsOverview } from "./overview.ts";

/** How long the overview is served from Redis before it is computed again. */
export const ANALYTICS_CACHE_SECONDS = 60;

const cacheKey = (lang: Language) => `sira:analytics:overview:v1:${lang}`;

/**
 * The overview from Redis when a fresh copy is there, else computed and stored for
 * ANALYTICS_CACHE_SECONDS. Redis is best effort: when it is down or fails, the overview is computed.
 */
export async function cachedAnalyticsOverview(
  deps: { db: Db; redis: Redis },
  lang: Language,
  now: Date = new Date(),
): Promise<AnalyticsOverview> {
  const key = cacheKey(lang);
  const usable = deps.redis.status === "ready";
  if (usable) {
    const hit = await deps.redis.get(key).catch(() => null);
    if (hit) return JSON.parse(hit) as AnalyticsOverview;
  }
  const overview = await analyticsOverview(deps.db, { now, lang });
  if (usable) await deps.redis.set(key, JSON.stringify(overview), "EX", ANALYTICS_CACHE_SECONDS).catch(() => null);
  return overview;
}
