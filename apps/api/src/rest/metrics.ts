/**
 * GET /metrics: Prometheus' text exposition (decision 0059). It is for the operators' scraper, not
 * for API clients, so it is not in the OpenAPI document and takes its own credential: the bearer
 * token METRICS_TOKEN, never a user's JWT. Without METRICS_TOKEN the route answers 404 like any
 * unknown address. Mounted right after the request context: no rate limit, session or body rules.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "@sira/contracts";
import { bearerTokenCheck } from "@sira/infra/metrics";
import type { AppEnv } from "../app-types.ts";
import { compression } from "../http/compression.ts";
import { problemResponse } from "../http/problem.ts";
import { fixedHeaders, SECURITY_HEADERS } from "../http/response-headers.ts";

export const METRICS_PATH = "/metrics";

export function mountMetrics(app: OpenAPIHono<AppEnv>, compressAbove: number): void {
  // Prometheus asks for gzip: a full exposition is tens of kilobytes of repetitive text.
  app.get(METRICS_PATH, fixedHeaders(SECURITY_HEADERS), compression(compressAbove), async (c) => {
    const { config, metrics } = c.get("deps");
    if (!config.METRICS_TOKEN) return problemResponse(c, new AppError("ROUTE_NOT_FOUND"));
    const check = bearerTokenCheck(c.req.header("authorization"), config.METRICS_TOKEN);
    if (check === "missing") {
      const refusal = problemResponse(c, new AppError("UNAUTHENTICATED"));
      refusal.headers.set("www-authenticate", 'Bearer realm="metrics"');
      return refusal;
    }
    if (check === "wrong") return problemResponse(c, new AppError("FORBIDDEN"));
    return c.body(await metrics.exposition(), 200, {
      "content-type": metrics.contentType,
      "cache-control": "no-store",
    });
  });
}
