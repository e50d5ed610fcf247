/**
 * REST: GET /api/v1/dashboard. Hand-written because it sends the cached JSON text as is (a hit is
 * one Redis read, no serialisation, decision 0022); its summary and answer are the definition's
 * (endpoints/dashboard.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { dashboardCacheKeys, getDashboardJson } from "@sira/domain";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { routeOf } from "../definition/rest.ts";
import { dashboardEndpoints } from "../endpoints/dashboard.ts";
import type { TokenClaim } from "../http/auth.ts";
import { taggedJson } from "../http/etag.ts";
import { resolveLanguage } from "../http/language.ts";

const spec = dashboardEndpoints.get;
const PATH = "/api/v1/dashboard";

const route = routeOf({ ...spec, path: PATH }, "progress");

/**
 * The cache keys a dashboard request will read, for the rate limiter to read in its own round trip
 * (a hit then costs no Redis call of its own). The language is the one `languageMiddleware` will
 * pick for the claimed caller; when the verified caller or the language differ, the route reads.
 */
export function dashboardPrefetch(c: Context<AppEnv>, claim: TokenClaim): readonly string[] | null {
  if (c.req.path !== PATH || c.req.method !== "GET") return null;
  const language = resolveLanguage({
    query: c.req.query("lang"),
    acceptLanguage: c.req.header("accept-language"),
    userLanguage: claim.language,
    fallback: c.get("deps").config.DEFAULT_LANGUAGE,
  });
  return dashboardCacheKeys(claim.userId, language);
}

export function mountDashboardRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { deps, viewer, lang } = callerOf(c);
    const { json: body } = await getDashboardJson(deps, {
      userId: viewer.userId,
      language: lang,
      prefetched: c.get("prefetched"),
    });
    return taggedJson(c, body) as never;
  });
}
