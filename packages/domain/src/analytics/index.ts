/** Platform analytics for administrators, aggregated in SQL. */
export { analyticsOverview } from "./overview.ts";
