/** REST: /api/v1/admin/users — account security actions for administrators. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { revokeUserSessions } from "@sira/domain";
import { authEnvOf } from "../auth-env.ts";
import type { Actor, AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, json, problems } from "./docs.ts";

const revokeSessions = createRoute({
  method: "post",
  path: "/api/v1/admin/users/{id}/revoke-sessions",
  tags: ["admin"],
  security: bearer,
  summary: "End every session of a user (e.g. a lost or stolen phone)",
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: json(z.object({ revoked_tokens: z.number().int() }), "Sessions ended"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

export function mountAdminUserRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/admin/users/*", requireRole("admin"));
  app.openapi(revokeSessions, async (c) => {
    const env = authEnvOf(c.get("deps"), {
      clientIp: c.get("clientIp"),
      userAgent: c.req.header("user-agent") ?? null,
      requestId: c.get("requestId"),
      occurredAt: c.get("occurredAt"),
    });
    const revoked = await revokeUserSessions(env, (c.get("actor") as Actor).userId, c.req.valid("param").id);
    return c.json({ revoked_tokens: revoked }, 200);
  });
}
