/** tRPC `admin`: administrator-only procedures. */
import { adminAccountSchema, changeRoleInput } from "@sira/contracts";
import { changeAccountRole, disableAccount, enableAccount, revokeUserSessions } from "@sira/domain";
import { z } from "zod";
import { authEnvOf } from "../../auth-env.ts";
import { toProcedures } from "../../definition/trpc.ts";
import { adminContentEndpoints, adminStructureEndpoints } from "../../endpoints/admin-content.ts";
import { adminPreassessmentEndpoints } from "../../endpoints/quiz.ts";
import { adminProcedure, router } from "../init.ts";
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
  /** Ends every session of a user. */
  revokeUserSessions: adminProcedure
    .input(z.strictObject({ user_id: z.uuid() }))
    .output(z.object({ revoked_tokens: z.number().int() }))
    .mutation(async ({ ctx, input }) => ({
      revoked_tokens: await revokeUserSessions(authEnvOf(ctx), ctx.viewer.userId, input.user_id),
    })),
  /** Disables an account: its tokens stop working at once. */
  disableUser: adminProcedure
    .input(z.strictObject({ user_id: z.uuid() }))
    .output(adminAccountSchema)
    .mutation(({ ctx, input }) => disableAccount(authEnvOf(ctx), ctx.viewer.userId, input.user_id)),
  /** Re-enables a disabled account. */
  enableUser: adminProcedure
    .input(z.strictObject({ user_id: z.uuid() }))
    .output(adminAccountSchema)
    .mutation(({ ctx, input }) => enableAccount(authEnvOf(ctx), ctx.viewer.userId, input.user_id)),
  /** Changes an account's role; its sessions end. */
  changeUserRole: adminProcedure
    .input(changeRoleInput.extend({ user_id: z.uuid() }))
    .output(adminAccountSchema)
    .mutation(({ ctx, input }) => changeAccountRole(authEnvOf(ctx), ctx.viewer.userId, input.user_id, input.role)),
});
