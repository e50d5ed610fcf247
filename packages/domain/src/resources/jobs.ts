/**
 * The ingestion jobs: "index-resource" on rag-indexing and "extract-images" on image-indexing.
 * Job ids come from the resource, its content hash and the time it was (re)queued, so the same
 * request enqueues one job, and each re-index request gets a new one.
 */
import { jobIdFor } from "@sira/infra";
import { enqueue } from "../jobs/enqueue.ts";
import type { ResourceDeps } from "./deps.ts";

export interface QueuedResource {
  id: string;
  contentHash: string;
  mimeType: string;
  updatedAt: Date;
}

export function indexJobId(resource: QueuedResource): string {
  return jobIdFor("index", resource.id, resource.contentHash.slice(0, 16), resource.updatedAt.getTime());
}

export function imagesJobId(resource: QueuedResource): string {
  return jobIdFor("images", resource.id, resource.contentHash.slice(0, 16), resource.updatedAt.getTime());
}

/** Queues indexing, and image extraction for PDFs. */
export async function enqueueResourceJobs(deps: Pick<ResourceDeps, "config">, resource: QueuedResource): Promise<void> {
  await enqueue(deps, "index-resource", { resourceId: resource.id }, indexJobId(resource));
  if (resource.mimeType === "application/pdf") {
    await enqueue(deps, "extract-images", { resourceId: resource.id }, imagesJobId(resource));
  }
}
