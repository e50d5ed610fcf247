/** GET /health (liveness, exactly the brief's body) and GET /health/ready (PostgreSQL + Redis). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { healthSchema, type Readiness, readinessSchema } from "@sira/contracts";
import type { AppDeps, AppEnv } from "../app-types.ts";

export const HEALTH = { status: "healthy", service: "sira-api" } as const;

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh process's first query opens its pool; on a loaded 2-core host that alone can take seconds. */
const CHECK_TIMEOUT_MS = 5_000;

export async function checkReadiness(deps: AppDeps): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([
    within(CHECK_TIMEOUT_MS, deps.db.$queryRaw`SELECT 1`).then(
      () => "up" as const,
      () => "down" as const,
    ),
    within(CHECK_TIMEOUT_MS, deps.redis.ping()).then(
      (pong) => (pong === "PONG" ? ("up" as const) : ("down" as const)),
      () => "down" as const,
    ),
  ]);
  return { status: postgres === "up" && redis === "up" ? "ready" : "unavailable", checks: { postgres, redis } };
}

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness: the API process answers",
  responses: { 200: { description: "Alive", content: { "application/json": { schema: healthSchema } } } },
});

const readyRoute = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["health"],
  summary: "Readiness: PostgreSQL and Redis answer",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: readinessSchema } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: readinessSchema } } },
  },
});

export function mountHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(healthRoute, (c) => c.json(HEALTH, 200));
  app.openapi(readyRoute, async (c) => {
    const readiness = await checkReadiness(c.get("deps"));
    c.header("cache-control", "no-store");
    return readiness.status === "ready" ? c.json(readiness, 200) : c.json(readiness, 503);
  });
}
