/**
 * The scheduled cleanup jobs (decision 0047): each removes what nothing needs any more and logs one
 * line with its counts. All three are safe to run twice and while the API serves.
 */
import type { Logger, Redis } from "@sira/infra";
import { cleanRows, type RowCleanupDeps, type RowCleanupReport } from "./rows.ts";
import { cleanStorage, type StorageCleanupDeps, type StorageCleanupReport } from "./storage.ts";
import { cleanStreams, type StreamCleanupReport } from "./streams.ts";

export * from "./rows.ts";
export * from "./storage.ts";
export * from "./streams.ts";

interface Logged {
  logger: Logger;
}

/** The `cleanup-storage` job: temporary uploads and unreferenced objects. */
export async function runStorageCleanup(
  deps: StorageCleanupDeps & Logged,
  now = new Date(),
): Promise<StorageCleanupReport> {
  const report = await cleanStorage(deps, now);
  deps.logger.info({ job: "cleanup-storage", ...report }, "storage cleaned up");
  return report;
}

/** The `cleanup-rows` job: expired rows (`purgeExpired`'s too) and old usage events. */
export async function runRowCleanup(deps: RowCleanupDeps & Logged, now = new Date()): Promise<RowCleanupReport> {
  const report = await cleanRows(deps, now);
  deps.logger.info({ job: "cleanup-rows", ...report }, "expired rows cleaned up");
  return report;
}

/** The `cleanup-streams` job: finished or abandoned generation and tutor streams. */
export async function runStreamCleanup(deps: { redis: Redis } & Logged): Promise<StreamCleanupReport> {
  const report = await cleanStreams(deps.redis);
  deps.logger.info({ job: "cleanup-streams", ...report }, "streams cleaned up");
  return report;
}
