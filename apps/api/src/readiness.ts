/** Liveness and readiness, as GET /health and /health/ready and tRPC `system` report them. */
import type { Readiness } from "@sira/contracts";
import { checkTotpKeyring } from "@sira/domain";
import { redisDown } from "@sira/infra";
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

/** The deps whose TOTP keyring opened every stored secret once (keys do not change while a process runs). */
const keyringChecked = new WeakSet<AppDeps>();

/**
 * Whether the configured TOTP keys open the stored secrets. Start-up checks it too, but a process
 * started while PostgreSQL was down could not: readiness then keeps it out of rotation.
 */
async function totpKeys(deps: AppDeps): Promise<"up" | "down"> {
  if (keyringChecked.has(deps)) return "up";
  try {
    const problems = await within(CHECK_TIMEOUT_MS, checkTotpKeyring(deps.db, deps.config));
    if (problems.length > 0) {
      deps.logger.error({ problems }, "the TOTP keyring cannot open stored secrets");
      return "down";
    }
  } catch {
    return "down";
  }
  keyringChecked.add(deps);
  return "up";
}

export async function checkReadiness(deps: AppDeps): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([
    within(CHECK_TIMEOUT_MS, deps.db.$queryRaw`SELECT 1`).then(
      () => "up" as const,
      () => "down" as const,
    ),
    // A client reconnecting knows Redis is gone: no need to wait for its next attempt to fail.
    redisDown(deps.redis)
      ? ("down" as const)
      : within(CHECK_TIMEOUT_MS, deps.redis.ping()).then(
          (pong) => (pong === "PONG" ? ("up" as const) : ("down" as const)),
          () => "down" as const,
        ),
  ]);
  const totp_keys = postgres === "up" ? await totpKeys(deps) : "down";
  const ready = postgres === "up" && redis === "up" && totp_keys === "up";
  return { status: ready ? "ready" : "unavailable", checks: { postgres, redis, totp_keys } };
}
