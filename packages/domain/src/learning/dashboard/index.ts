export { buildDashboard } from "./build.ts";
export { DASHBOARD_TTL_SECONDS, dashboardCacheKeys, invalidateDashboard } from "./cache.ts";
export { type DashboardDeps, getDashboardJson } from "./get.ts";
