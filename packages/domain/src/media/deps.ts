/** What the media services need; the API's and the worker's dependencies both fit. */
import type { AiProviders } from "@sira/ai";
import type { Config, FileStorage, Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface MediaDeps {
  db: Db;
  storage: FileStorage;
  config: Pick<Config, "UPLOAD_MAX_BYTES" | "QUEUE_PREFIX" | "EXTRACTION_TIMEOUT_MS" | "EXTRACTION_MAX_HEAP_MB">;
  logger: Logger;
  /** Illustrations, and the summary of a media (Claude when configured, else extractive). */
  ai: Pick<AiProviders, "images" | "generator">;
}
