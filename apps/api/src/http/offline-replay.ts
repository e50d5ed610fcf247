/**
 * `X-Offline-Queued-At`: a request the phone queued while offline is recorded at the time it
 * really happened, within bounds (not in the future, not older than the replay window).
 */
import { AppError } from "@sira/contracts";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { parseIsoInstant } from "./iso-instant.ts";

const CLOCK_SKEW_MS = 5 * 60_000;

/** The moment an offline-queued request happened, or a 400 when the header cannot be trusted. */
export function offlineOccurredAt(header: string | undefined | null, now: Date, maxAgeDays: number): Date {
  if (!header) return now;
  const at = parseIsoInstant(header);
  if (!at) throw new AppError("INVALID_OFFLINE_TIMESTAMP");
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new AppError("INVALID_OFFLINE_TIMESTAMP");
  if (at.getTime() < now.getTime() - maxAgeDays * 86_400_000) throw new AppError("INVALID_OFFLINE_TIMESTAMP");
  return at.getTime() > now.getTime() ? now : at;
}

export const offlineReplay = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("x-offline-queued-at");
  if (header && c.req.method !== "GET" && c.req.method !== "HEAD") {
    const queuedAt = offlineOccurredAt(header, new Date(), c.get("deps").config.OFFLINE_REPLAY_MAX_AGE_DAYS);
    c.set("occurredAt", queuedAt);
    c.set("offlineQueuedAt", queuedAt);
  }
  await next();
});
