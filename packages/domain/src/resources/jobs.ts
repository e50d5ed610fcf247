/**
 * The ingestion jobs: "index-resource" on rag-indexing and "extract-images" on image-indexing.
 * Job ids come from the resource, its content hash and the time it was (re)queued, so the same
 * request enqueues one job, and each re-index request gets a new one.
 */
import { enqueueOnce, getQueue, jobIdFor } from "@sira/infra";
import { z } from "zod";
import type { ResourceDeps } from "./deps.ts";

export const INDEX_RESOURCE_JOB = "index-resource";
export const EXTRACT_IMAGES_JOB = "extract-images";

export const resourceJobPayload = z.object({ resourceId: z.uuid() });
export type ResourceJobPayload = z.infer<typeof resourceJobPayload>;

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
  const prefix = deps.config.QUEUE_PREFIX;
  const payload: ResourceJobPayload = { resourceId: resource.id };
  await enqueueOnce(getQueue("rag-indexing", { prefix }), INDEX_RESOURCE_JOB, payload, indexJobId(resource));
  if (resource.mimeType === "application/pdf") {
    await enqueueOnce(getQueue("image-indexing", { prefix }), EXTRACT_IMAGES_JOB, payload, imagesJobId(resource));
  }
}
