/** Liveness and readiness, as GET /health and /health/ready and tRPC `system` report them. */
import type { Readiness } from "@sira/contracts";
import type { AppDeps } from "./app-types.ts";

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
