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
import { authedProcedure, publicProcedure, router } from "../init.ts";

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(enrolmentSchema)
    .mutation(({ ctx, input }) => register(authEnvOf(ctx), input)),
  confirmTotp: publicProcedure
    .input(confirmTotpInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => confirmTotp(authEnvOf(ctx), input)),
  requestEmailCode: publicProcedure
    .input(emailCodeRequestInput)
    .output(acceptedSchema)
    .mutation(async ({ ctx, input }) => {
      await requestEmailCode(authEnvOf(ctx), input.email);
      return { status: "accepted" as const };
    }),
  login: publicProcedure
    .input(loginInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => login(authEnvOf(ctx), input)),
  refresh: publicProcedure
    .input(refreshInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => refresh(authEnvOf(ctx), input.refresh_token)),
  logout: authedProcedure
    .input(logoutInput.optional())
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await logout(authEnvOf(ctx), ctx.viewer.userId, ctx.actor.sessionId, input?.refresh_token);
      return { status: "ok" as const };
    }),
  sessions: authedProcedure.output(z.object({ items: z.array(sessionSchema) })).query(async ({ ctx }) => ({
    items: await listSessions(ctx.deps.db, ctx.viewer.userId, ctx.actor.sessionId, new Date()),
  })),
  endSession: authedProcedure
    .input(sessionIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await endSession(ctx.deps.db, ctx.viewer.userId, input.id, "session_revoked", new Date(), ctx.deps.denylist);
      return { status: "ok" as const };
    }),
  requestRecovery: publicProcedure
    .input(recoveryRequestInput)
    .output(acceptedSchema)
    .mutation(async ({ ctx, input }) => {
      await requestRecovery(authEnvOf(ctx), input.email);
      return { status: "accepted" as const };
    }),
  confirmRecovery: publicProcedure
    .input(recoveryConfirmInput)
    .output(enrolmentSchema.extend({ email: z.string() }))
    .mutation(({ ctx, input }) => confirmRecovery(authEnvOf(ctx), input.token)),
});
