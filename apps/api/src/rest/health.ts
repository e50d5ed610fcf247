/** GET /health (liveness, exactly the brief's body) and GET /health/ready (PostgreSQL + Redis). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { healthSchema, readinessSchema } from "@sira/contracts";
import type { AppEnv } from "../app-types.ts";
import { problemResponses } from "../definition/problems.ts";
import { requestIdOf } from "../http/request-context.ts";
import { type HeaderPairs, presetResponseHeaders } from "../http/response-headers.ts";
import { checkReadiness, HEALTH } from "../readiness.ts";

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness: the API process answers",
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: healthSchema } } },
    // Probes send no token; a malformed one is refused here as everywhere. No limiter counts it.
    ...problemResponses({ method: "get", auth: "public", input: false, rateLimited: false }),
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["health"],
  summary: "Readiness: PostgreSQL and Redis answer",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: readinessSchema } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: readinessSchema } } },
    // Readiness has its own small limiter (READY_RATE_LIMIT_PER_MINUTE).
    ...problemResponses({ method: "get", auth: "public", input: false }),
  },
});

const HEALTH_TEXT = JSON.stringify(HEALTH);

/**
 * GET /health, mounted ahead of the pipeline: a probe sends no token, body or language, and no
 * limiter counts it, so it gets only what every answer carries (request id, security headers,
 * CORS) and never waits on Redis or PostgreSQL.
 */
export function mountLiveness(app: OpenAPIHono<AppEnv>, headers: (origin?: string) => HeaderPairs): void {
  app.openAPIRegistry.registerPath(healthRoute);
  app.get("/health", (c) => {
    presetResponseHeaders(c, [
      ["x-request-id", requestIdOf(c.req.header("x-request-id"))],
      ...headers(c.req.header("origin")),
    ]);
    return c.body(HEALTH_TEXT, 200, { "content-type": "application/json", vary: "Origin" });
  });
}

export function mountHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(readyRoute, async (c) => {
    const readiness = await checkReadiness(c.get("deps"));
    c.header("cache-control", "no-store");
    return readiness.status === "ready" ? c.json(readiness, 200) : c.json(readiness, 503);
  });
}
