/** Document ingestion queues: rag-indexing (chunk + embed a resource) and image-indexing. */
import type { WorkerDeps } from "../deps.ts";
import type { Processors } from "../workers.ts";

export function ragProcessors(_deps: WorkerDeps): Processors {
  return {};
}
