/** tRPC `users`: the caller's own profile, its update, GDPR export and erasure (as /api/v1/users/me). */
import { eraseAccountInput, erasedSchema, profileSchema, updateProfileInput, userExportSchema } from "@sira/contracts";
import { eraseAccount, exportUserData, getProfile, updateProfile } from "@sira/domain";
import { authedProcedure, router } from "../init.ts";

export const usersRouter = router({
  me: authedProcedure.output(profileSchema).query(({ ctx }) => getProfile(ctx.deps.db, ctx.viewer.userId)),
  update: authedProcedure
    .input(updateProfileInput)
    .output(profileSchema)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps.db, ctx.viewer.userId, input, ctx.meta)),
  export: authedProcedure.output(userExportSchema).query(({ ctx }) => exportUserData(ctx.deps.db, ctx.viewer.userId)),
  erase: authedProcedure
    .input(eraseAccountInput)
    .output(erasedSchema)
    .mutation(async ({ ctx }) => {
      const report = await eraseAccount(ctx.deps.db, ctx.viewer.userId, ctx.meta, ctx.deps.denylist);
      return { status: "erased" as const, erased_at: report.erasedAt.toISOString() };
    }),
});
