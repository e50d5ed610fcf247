/**
 * REST: GET /api/v1/dashboard. Hand-written because it sends the cached JSON text as is (a hit is
 * one Redis read, no serialisation, decision 0022); its summary and answer are the definition's
 * (endpoints/dashboard.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { getDashboardJson } from "@sira/domain";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { routeOf } from "../definition/rest.ts";
import { dashboardEndpoints } from "../endpoints/dashboard.ts";
import { taggedJson } from "../http/etag.ts";

const spec = dashboardEndpoints.get;

const route = routeOf({ ...spec, path: "/api/v1/dashboard" }, "progress");

export function mountDashboardRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { deps, viewer, lang } = callerOf(c);
    const { json: body } = await getDashboardJson(deps, { userId: viewer.userId, language: lang });
    return taggedJson(c, body) as never;
  });
}
