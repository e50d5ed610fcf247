/**
 * A resource left "queued" with no job behind it (the process died between its row and its job,
 * or Redis lost the queue) would wait forever. The maintenance schedule re-queues those: after
 * `olderThanMinutes` every retry of a real job is long over (five attempts, backoff from 2 s).
 */
import type { ResourceDeps } from "./deps.ts";
import { enqueueResourceJobs } from "./jobs.ts";

export const STALLED_INDEXING_MINUTES = 30;

export async function requeueStalledResources(
  deps: Pick<ResourceDeps, "db" | "config">,
  now = new Date(),
  olderThanMinutes = STALLED_INDEXING_MINUTES,
): Promise<{ requeued: number }> {
  const stalled = await deps.db.courseResource.findMany({
    where: { indexStatus: "queued", updatedAt: { lt: new Date(now.getTime() - olderThanMinutes * 60_000) } },
    select: { id: true, contentHash: true, mimeType: true, updatedAt: true },
    orderBy: { updatedAt: "asc" },
    take: 200,
  });
  for (const resource of stalled) await enqueueResourceJobs(deps, resource);
  return { requeued: stalled.length };
}
