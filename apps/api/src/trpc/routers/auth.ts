/** tRPC `auth`: the same flows as /api/v1/auth, for the PWA. */
import {
  acceptedSchema,
  confirmTotpInput,
  emailCodeRequestInput,
  enrolmentSchema,
  loginInput,
  logoutInput,
  okSchema,
  recoveryConfirmInput,
  recoveryRequestInput,
  refreshInput,
  registerInput,
  sessionIdInput,
  sessionSchema,
  tokenPairSchema,
} from "@sira/contracts";
import {
  confirmRecovery,
  confirmTotp,
  endSession,
  listSessions,
  login,
  logout,
  refresh,
  register,
  requestEmailCode,
  requestRecovery,
} from "@sira/domain";
import { z } from "zod";
import { authEnvOf } from "../../auth-env.ts";
import { authedProcedure, publicProcedure, router, type TrpcContext } from "../init.ts";

const envOf = (ctx: TrpcContext) => authEnvOf(ctx.deps, ctx);

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(enrolmentSchema)
    .mutation(({ ctx, input }) => register(envOf(ctx), input)),
  confirmTotp: publicProcedure
    .input(confirmTotpInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => confirmTotp(envOf(ctx), input)),
  requestEmailCode: publicProcedure
    .input(emailCodeRequestInput)
    .output(acceptedSchema)
    .mutation(async ({ ctx, input }) => {
      await requestEmailCode(envOf(ctx), input.email);
      return { status: "accepted" as const };
    }),
  login: publicProcedure
    .input(loginInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => login(envOf(ctx), input)),
  refresh: publicProcedure
    .input(refreshInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => refresh(envOf(ctx), input.refresh_token)),
  logout: authedProcedure
    .input(logoutInput.optional())
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await logout(envOf(ctx), ctx.actor.userId, ctx.actor.sessionId, input?.refresh_token);
      return { status: "ok" as const };
    }),
  sessions: authedProcedure.output(z.object({ items: z.array(sessionSchema) })).query(async ({ ctx }) => ({
    items: await listSessions(ctx.deps.db, ctx.actor.userId, ctx.actor.sessionId, new Date()),
  })),
  endSession: authedProcedure
    .input(sessionIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await endSession(ctx.deps.db, ctx.actor.userId, input.id, "session_revoked", new Date(), ctx.deps.denylist);
      return { status: "ok" as const };
    }),
  requestRecovery: publicProcedure
    .input(recoveryRequestInput)
    .output(acceptedSchema)
    .mutation(async ({ ctx, input }) => {
      await requestRecovery(envOf(ctx), input.email);
      return { status: "accepted" as const };
    }),
  confirmRecovery: publicProcedure
    .input(recoveryConfirmInput)
    .output(enrolmentSchema.extend({ email: z.string() }))
    .mutation(({ ctx, input }) => confirmRecovery(envOf(ctx), input.token)),
});
