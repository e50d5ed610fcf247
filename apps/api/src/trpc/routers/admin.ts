/** tRPC `admin`: administrator-only procedures. */
import { toProcedures } from "../../definition/trpc.ts";
import { adminContentEndpoints, adminStructureEndpoints } from "../../endpoints/admin-content.ts";
import { adminUserEndpoints } from "../../endpoints/admin-users.ts";
import { adminPreassessmentEndpoints } from "../../endpoints/quiz.ts";
import { router } from "../init.ts";
import { adminCurriculaRouter, adminGroupsRouter, adminSettingsRouter, adminTaxonomyRouter } from "./admin-catalog.ts";
import { adminAnalyticsRouter, adminAuditRouter, adminCoursesRouter } from "./admin-courses.ts";
import { adminResourcesRouter } from "./admin-resources.ts";

export const adminRouter = router({
  courses: adminCoursesRouter,
  analytics: adminAnalyticsRouter,
  auditLog: adminAuditRouter,
  curricula: adminCurriculaRouter,
  taxonomy: adminTaxonomyRouter,
  groups: adminGroupsRouter,
  settings: adminSettingsRouter,
  resources: adminResourcesRouter,
  content: router(toProcedures(adminContentEndpoints)),
  structure: router(toProcedures(adminStructureEndpoints)),
  preassessment: router(toProcedures(adminPreassessmentEndpoints)),
  ...toProcedures(adminUserEndpoints),
});
