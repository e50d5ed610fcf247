/** REST: /api/v1/dashboard, the learner's home screen in one cached answer (sent as cached, no re-serialisation). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { dashboardSchema } from "@sira/contracts";
import { getDashboardJson } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, json, problems } from "./docs.ts";

const route = createRoute({
  method: "get",
  path: "/api/v1/dashboard",
  tags: ["progress"],
  security: bearer,
  summary:
    "Streak and last activity, per-course progress, due reviews, recent quiz scores, the next unit to " +
    "study and tutor messages left today. Cached per learner and language; invalidated by progress, " +
    "readings, quizzes, reviews and enrollments",
  responses: { 200: json(dashboardSchema, "The dashboard"), 401: problems[401] },
});

export function mountDashboardRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/dashboard", requireRole());
  app.openapi(route, async (c) => {
    const { deps, viewer, lang } = callerOf(c);
    const { json: body } = await getDashboardJson(deps, { userId: viewer.userId, language: lang });
    // The cached text is already the schema's JSON; sending it as is keeps a hit free of work.
    return c.body(body, 200, { "content-type": "application/json" }) as never;
  });
}
