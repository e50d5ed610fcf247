/**
 * REST: GET /api/v1/dashboard. Hand-written because it sends the cached JSON text as is (a hit is
 * one Redis read, no serialisation, decision 0022); its summary and answer are the definition's
 * (endpoints/dashboard.ts).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getDashboardJson } from "@sira/domain";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, notModified, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { dashboardEndpoints } from "../endpoints/dashboard.ts";

const spec = dashboardEndpoints.get;

const route = createRoute({
  method: "get",
  path: "/api/v1/dashboard",
  tags: ["progress"],
  security: bearer,
  summary: spec.summary,
  middleware: routeMiddleware(spec),
  responses: {
    200: json(spec.output, "The dashboard"),
    304: notModified,
    ...problemResponses({ method: "get", auth: spec.auth, input: false }),
  },
});

export function mountDashboardRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { deps, viewer, lang } = callerOf(c);
    const { json: body } = await getDashboardJson(deps, { userId: viewer.userId, language: lang });
    return c.body(body, 200, { "content-type": "application/json" }) as never;
  });
}
