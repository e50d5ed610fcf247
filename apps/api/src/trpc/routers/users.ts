/** tRPC `users`: the caller's own profile, its update, GDPR export and erasure (as /api/v1/users/me). */
import { eraseAccountInput, erasedSchema, profileSchema, updateProfileInput, userExportSchema } from "@sira/contracts";
import { eraseAccount, exportUserData, getProfile, type UserRequestMeta, updateProfile } from "@sira/domain";
import { authedProcedure, router, type TrpcContext } from "../init.ts";

const metaOf = (ctx: TrpcContext): UserRequestMeta => ({ requestId: ctx.requestId, ip: ctx.clientIp, now: new Date() });

export const usersRouter = router({
  me: authedProcedure.output(profileSchema).query(({ ctx }) => getProfile(ctx.deps.db, ctx.actor.userId)),
  update: authedProcedure
    .input(updateProfileInput)
    .output(profileSchema)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps.db, ctx.actor.userId, input, metaOf(ctx))),
  export: authedProcedure.output(userExportSchema).query(({ ctx }) => exportUserData(ctx.deps.db, ctx.actor.userId)),
  erase: authedProcedure
    .input(eraseAccountInput)
    .output(erasedSchema)
    .mutation(async ({ ctx }) => {
      const report = await eraseAccount(ctx.deps.db, ctx.actor.userId, metaOf(ctx), ctx.deps.denylist);
      return { status: "erased" as const, erased_at: report.erasedAt.toISOString() };
    }),
});
