/**
 * Passwordless sign-in with TOTP, sessions and magic-link recovery. Every answer may carry
 * credentials (tokens, an authenticator secret, backup codes), so none is ever stored for an
 * Idempotency-Key replay (decision 0027); tRPC refuses `auth.*` inside a batch (trpc/batch.ts).
 * Wrong codes are throttled per account and address by the domain (decision 0025).
 */
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
import { authEnvOf } from "../auth-env.ts";
import { endpoint } from "../definition/endpoint.ts";

const AUTH = "/api/v1/auth";
const accepted = { status: "accepted" as const };
const ok = { status: "ok" as const };

export const authEndpoints = {
  register: endpoint({
    method: "post",
    path: `${AUTH}/register`,
    auth: "public",
    summary: "Create an account; returns the authenticator enrolment and backup codes (shown once)",
    body: registerInput,
    output: enrolmentSchema,
    status: 201,
    idempotency: false,
    handle: ({ ctx, input }) => register(authEnvOf(ctx), input),
  }),
  confirmTotp: endpoint({
    method: "post",
    path: `${AUTH}/totp/confirm`,
    auth: "public",
    summary:
      "Confirm the authenticator with its first code, plus the emailed code while the address is unverified; " +
      "activates the account and signs in",
    body: confirmTotpInput,
    output: tokenPairSchema,
    idempotency: false,
    errors: ["INVALID_CREDENTIALS", "TOTP_CODE_REUSED", "AUTH_LOCKED"],
    handle: ({ ctx, input }) => confirmTotp(authEnvOf(ctx), input),
  }),
  requestEmailCode: endpoint({
    method: "post",
    path: `${AUTH}/email-code/request`,
    auth: "public",
    summary:
      "Email a new confirmation code to an account awaiting its first confirmation (the answer is always the same)",
    body: emailCodeRequestInput,
    output: acceptedSchema,
    status: 202,
    idempotency: false,
    handle: async ({ ctx, input }) => {
      await requestEmailCode(authEnvOf(ctx), input.email);
      return accepted;
    },
  }),
  login: endpoint({
    method: "post",
    path: `${AUTH}/login`,
    auth: "public",
    summary: "Sign in with email and a TOTP code or a backup code",
    body: loginInput,
    output: tokenPairSchema,
    idempotency: false,
    errors: ["INVALID_CREDENTIALS", "TOTP_CODE_REUSED", "AUTH_LOCKED"],
    handle: ({ ctx, input }) => login(authEnvOf(ctx), input),
  }),
  refresh: endpoint({
    method: "post",
    path: `${AUTH}/refresh`,
    auth: "public",
    summary: "Rotate the refresh token; a quick retry of the same token is forgiven, other reuse ends the session",
    body: refreshInput,
    output: tokenPairSchema,
    idempotency: false,
    errors: ["REFRESH_TOKEN_INVALID", "REFRESH_TOKEN_REUSED"],
    handle: ({ ctx, input }) => refresh(authEnvOf(ctx), input.refresh_token),
  }),
  logout: endpoint({
    method: "post",
    path: `${AUTH}/logout`,
    auth: "learner",
    summary: "End the current session, or the one a given refresh token belongs to (the body may be left out)",
    body: logoutInput.optional(),
    output: okSchema,
    idempotency: false,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => {
      await logout(authEnvOf(ctx), ctx.viewer.userId, ctx.actor.sessionId, input?.refresh_token);
      return ok;
    },
  }),
  sessions: endpoint({
    method: "get",
    path: `${AUTH}/sessions`,
    auth: "learner",
    summary: "The caller's live sessions",
    output: z.object({ items: z.array(sessionSchema) }),
    idempotency: false,
    handle: async ({ ctx, now }) => ({
      items: await listSessions(ctx.deps.db, ctx.viewer.userId, ctx.actor.sessionId, now),
    }),
  }),
  endSession: endpoint({
    method: "delete",
    path: `${AUTH}/sessions/{id}`,
    auth: "learner",
    summary: "End one of the caller's sessions",
    params: sessionIdInput,
    output: okSchema,
    idempotency: false,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input, now }) => {
      await endSession(ctx.deps.db, ctx.viewer.userId, input.id, "session_revoked", now, ctx.deps.denylist);
      return ok;
    },
  }),
  requestRecovery: endpoint({
    method: "post",
    path: `${AUTH}/recovery/request`,
    auth: "public",
    summary: "Email a recovery link if the account exists (the answer is always the same)",
    body: recoveryRequestInput,
    output: acceptedSchema,
    status: 202,
    idempotency: false,
    handle: async ({ ctx, input }) => {
      await requestRecovery(authEnvOf(ctx), input.email);
      return accepted;
    },
  }),
  confirmRecovery: endpoint({
    method: "post",
    path: `${AUTH}/recovery/confirm`,
    auth: "public",
    summary: "Spend a recovery link: ends every session and re-enrols the authenticator",
    body: recoveryConfirmInput,
    output: enrolmentSchema.extend({ email: z.string() }),
    idempotency: false,
    errors: ["MAGIC_LINK_INVALID", "MAGIC_LINK_USED", "MAGIC_LINK_EXPIRED"],
    handle: ({ ctx, input }) => confirmRecovery(authEnvOf(ctx), input.token),
  }),
};
