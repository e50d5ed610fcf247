/** Platform analytics for administrators, aggregated in SQL and cached briefly in Redis. */
export { ANALYTICS_CACHE_SECONDS, cachedAnalyticsOverview } from "./cache.ts";
export { analyticsOverview } from "./overview.ts";
export { analyticsReport } from "./report.ts";
