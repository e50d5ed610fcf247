/** tRPC `admin`: administrator-only procedures. */
import { toProcedures } from "../../definition/trpc.ts";
import { adminActivationCodeEndpoints } from "../../endpoints/admin-codes.ts";
import { adminContentEndpoints, adminStructureEndpoints } from "../../endpoints/admin-content.ts";
import {
  adminAnalyticsEndpoints,
  adminAuditLogEndpoints,
  adminCoursesEndpoints,
} from "../../endpoints/admin-courses.ts";
import { adminCurriculaEndpoints } from "../../endpoints/admin-curricula.ts";
import { adminGroupsEndpoints } from "../../endpoints/admin-groups.ts";
import { adminMoneyEndpoints } from "../../endpoints/admin-money.ts";
import { adminQuizItemEndpoints } from "../../endpoints/admin-quiz-items.ts";
import { adminResourceEndpoints } from "../../endpoints/admin-resources.ts";
import { adminSettingsEndpoints } from "../../endpoints/admin-settings.ts";
import { adminSmsEndpoints } from "../../endpoints/admin-sms.ts";
import { adminTaxonomyEndpoints } from "../../endpoints/admin-taxonomy.ts";
import { adminUserEndpoints } from "../../endpoints/admin-users.ts";
import { adminImageEndpoints, adminMediaEndpoints } from "../../endpoints/media.ts";
import { adminPreassessmentEndpoints } from "../../endpoints/quiz.ts";
import { router } from "../init.ts";

export const adminRouter = router({
  courses: router(toProcedures(adminCoursesEndpoints)),
  analytics: router(toProcedures(adminAnalyticsEndpoints)),
  auditLog: router(toProcedures(adminAuditLogEndpoints)),
  curricula: router(toProcedures(adminCurriculaEndpoints)),
  taxonomy: router(toProcedures(adminTaxonomyEndpoints)),
  groups: router(toProcedures(adminGroupsEndpoints)),
  settings: router(toProcedures(adminSettingsEndpoints)),
  resources: router(toProcedures(adminResourceEndpoints)),
  content: router(toProcedures(adminContentEndpoints)),
  structure: router(toProcedures(adminStructureEndpoints)),
  images: router(toProcedures(adminImageEndpoints)),
  media: router(toProcedures(adminMediaEndpoints)),
  preassessment: router(toProcedures(adminPreassessmentEndpoints)),
  quizItems: router(toProcedures(adminQuizItemEndpoints)),
  money: router(toProcedures(adminMoneyEndpoints)),
  codes: router(toProcedures(adminActivationCodeEndpoints)),
  sms: router(toProcedures(adminSmsEndpoints)),
  ...toProcedures(adminUserEndpoints),
});
