/** REST: /api/v1/auth — passwordless sign-in with TOTP, sessions, magic-link recovery. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
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
import { authEnvOf } from "../auth-env.ts";
import { callerOf, publicOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, body, json, problems } from "./docs.ts";

const tags = ["auth"];
const recoveryEnrolmentSchema = enrolmentSchema.extend({ email: z.string() });

const routes = {
  register: createRoute({
    method: "post",
    path: "/api/v1/auth/register",
    tags,
    summary: "Create an account; returns the authenticator enrolment and backup codes (shown once)",
    request: body(registerInput),
    responses: {
      201: json(enrolmentSchema, "Enrolment: confirm it with a first code"),
      400: problems[400],
      429: problems[429],
    },
  }),
  confirm: createRoute({
    method: "post",
    path: "/api/v1/auth/totp/confirm",
    tags,
    summary:
      "Confirm the authenticator with its first code, plus the emailed code while the address is unverified; activates the account and signs in",
    request: body(confirmTotpInput),
    responses: {
      200: json(tokenPairSchema, "Signed in"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      429: problems[429],
    },
  }),
  emailCodeRequest: createRoute({
    method: "post",
    path: "/api/v1/auth/email-code/request",
    tags,
    summary:
      "Email a new confirmation code to an account awaiting its first confirmation (the answer is always the same)",
    request: body(emailCodeRequestInput),
    responses: { 202: json(acceptedSchema, "Accepted"), 400: problems[400] },
  }),
  login: createRoute({
    method: "post",
    path: "/api/v1/auth/login",
    tags,
    summary: "Sign in with email and a TOTP code or a backup code",
    request: body(loginInput),
    responses: { 200: json(tokenPairSchema, "Signed in"), 400: problems[400], 401: problems[401], 429: problems[429] },
  }),
  refresh: createRoute({
    method: "post",
    path: "/api/v1/auth/refresh",
    tags,
    summary: "Rotate the refresh token; reusing an old one ends the session",
    request: body(refreshInput),
    responses: { 200: json(tokenPairSchema, "New token pair"), 400: problems[400], 401: problems[401] },
  }),
  logout: createRoute({
    method: "post",
    path: "/api/v1/auth/logout",
    tags,
    security: bearer,
    summary: "End the current session",
    request: { body: { required: false, content: { "application/json": { schema: logoutInput } } } },
    responses: { 200: json(okSchema, "Session ended"), 401: problems[401] },
  }),
  sessions: createRoute({
    method: "get",
    path: "/api/v1/auth/sessions",
    tags,
    security: bearer,
    summary: "The caller's live sessions",
    responses: { 200: json(z.object({ items: z.array(sessionSchema) }), "Sessions"), 401: problems[401] },
  }),
  endSession: createRoute({
    method: "delete",
    path: "/api/v1/auth/sessions/{id}",
    tags,
    security: bearer,
    summary: "End one of the caller's sessions",
    request: { params: z.object({ id: z.uuid() }) },
    responses: { 200: json(okSchema, "Session ended"), 401: problems[401], 404: problems[404] },
  }),
  recoveryRequest: createRoute({
    method: "post",
    path: "/api/v1/auth/recovery/request",
    tags,
    summary: "Email a recovery link if the account exists (the answer is always the same)",
    request: body(recoveryRequestInput),
    responses: { 202: json(acceptedSchema, "Accepted"), 400: problems[400] },
  }),
  recoveryConfirm: createRoute({
    method: "post",
    path: "/api/v1/auth/recovery/confirm",
    tags,
    summary: "Spend a recovery link: ends every session and re-enrols the authenticator",
    request: body(recoveryConfirmInput),
    responses: { 200: json(recoveryEnrolmentSchema, "New enrolment"), 400: problems[400], 410: problems[410] },
  }),
};

export function mountAuthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.register, async (c) => c.json(await register(authEnvOf(publicOf(c)), c.req.valid("json")), 201));
  app.openapi(routes.confirm, async (c) => c.json(await confirmTotp(authEnvOf(publicOf(c)), c.req.valid("json")), 200));
  app.openapi(routes.emailCodeRequest, async (c) => {
    await requestEmailCode(authEnvOf(publicOf(c)), c.req.valid("json").email);
    return c.json({ status: "accepted" as const }, 202);
  });
  app.openapi(routes.login, async (c) => c.json(await login(authEnvOf(publicOf(c)), c.req.valid("json")), 200));
  app.openapi(routes.refresh, async (c) =>
    c.json(await refresh(authEnvOf(publicOf(c)), c.req.valid("json").refresh_token), 200),
  );
  app.use(routes.logout.path, requireRole());
  app.openapi(routes.logout, async (c) => {
    const caller = callerOf(c);
    const input = c.req.valid("json") ?? {};
    await logout(authEnvOf(caller), caller.viewer.userId, caller.actor.sessionId, input.refresh_token);
    return c.json({ status: "ok" as const }, 200);
  });
  app.use("/api/v1/auth/sessions", requireRole());
  app.use("/api/v1/auth/sessions/*", requireRole());
  app.openapi(routes.sessions, async (c) => {
    const { deps, viewer, actor } = callerOf(c);
    return c.json({ items: await listSessions(deps.db, viewer.userId, actor.sessionId, new Date()) }, 200);
  });
  app.openapi(routes.endSession, async (c) => {
    const { deps, viewer } = callerOf(c);
    await endSession(deps.db, viewer.userId, c.req.valid("param").id, "session_revoked", new Date(), deps.denylist);
    return c.json({ status: "ok" as const }, 200);
  });
  app.openapi(routes.recoveryRequest, async (c) => {
    await requestRecovery(authEnvOf(publicOf(c)), c.req.valid("json").email);
    return c.json({ status: "accepted" as const }, 202);
  });
  app.openapi(routes.recoveryConfirm, async (c) =>
    c.json(await confirmRecovery(authEnvOf(publicOf(c)), c.req.valid("json").token), 200),
  );
}
