/** tRPC `admin.courses`, `admin.analytics`, `admin.auditLog`. */
import { router } from "../init.ts";

export const adminCoursesRouter = router({});
export const adminAnalyticsRouter = router({});
export const adminAuditRouter = router({});
