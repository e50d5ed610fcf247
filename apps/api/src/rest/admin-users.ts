/** REST: /api/v1/admin/users — account security actions for administrators. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { adminAccountSchema, changeRoleInput } from "@sira/contracts";
import { changeAccountRole, disableAccount, enableAccount, revokeUserSessions } from "@sira/domain";
import { authEnvOf } from "../auth-env.ts";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, body, json, problems } from "./docs.ts";

const params = z.object({ id: z.uuid() });

const revokeSessions = createRoute({
  method: "post",
  path: "/api/v1/admin/users/{id}/revoke-sessions",
  tags: ["admin"],
  security: bearer,
  summary: "End every session of a user (e.g. a lost or stolen phone)",
  request: { params },
  responses: {
    200: json(z.object({ revoked_tokens: z.number().int() }), "Sessions ended"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const accountAction = (path: string, summary: string) =>
  createRoute({
    method: "post",
    path,
    tags: ["admin"],
    security: bearer,
    summary,
    request: { params },
    responses: {
      200: json(adminAccountSchema, "The account after the change; its sessions have ended"),
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  });

const disable = accountAction(
  "/api/v1/admin/users/{id}/disable",
  "Disable an account: its tokens stop working at once and it cannot sign in",
);
const enable = accountAction("/api/v1/admin/users/{id}/enable", "Re-enable a disabled account");

const changeRole = createRoute({
  method: "put",
  path: "/api/v1/admin/users/{id}/role",
  tags: ["admin"],
  security: bearer,
  summary: "Change an account's role; its sessions end so that no token keeps the old role",
  request: { params, ...body(changeRoleInput) },
  responses: {
    200: json(adminAccountSchema, "The account after the change; its sessions have ended"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

export function mountAdminUserRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/admin/users/*", requireRole("admin"));
  app.openapi(revokeSessions, async (c) => {
    const caller = callerOf(c);
    const revoked = await revokeUserSessions(authEnvOf(caller), caller.viewer.userId, c.req.valid("param").id);
    return c.json({ revoked_tokens: revoked }, 200);
  });
  app.openapi(disable, async (c) => {
    const caller = callerOf(c);
    return c.json(await disableAccount(authEnvOf(caller), caller.viewer.userId, c.req.valid("param").id), 200);
  });
  app.openapi(enable, async (c) => {
    const caller = callerOf(c);
    return c.json(await enableAccount(authEnvOf(caller), caller.viewer.userId, c.req.valid("param").id), 200);
  });
  app.openapi(changeRole, async (c) => {
    const caller = callerOf(c);
    const { role } = c.req.valid("json");
    return c.json(await changeAccountRole(authEnvOf(caller), caller.viewer.userId, c.req.valid("param").id, role), 200);
  });
}
