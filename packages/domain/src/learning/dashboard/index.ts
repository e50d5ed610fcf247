export { DASHBOARD_TTL_SECONDS, invalidateDashboard } from "./cache.ts";
