/** What the course-document services need; the API's and the worker's dependencies both fit. */
import type { AiProviders } from "@sira/ai";
import type { Config, FileStorage, Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface ResourceDeps {
  db: Db;
  storage: FileStorage;
  config: Pick<Config, "UPLOAD_MAX_BYTES" | "QUEUE_PREFIX" | "EXTRACTION_TIMEOUT_MS" | "EXTRACTION_MAX_HEAP_MB">;
  logger: Logger;
}

export interface IndexingDeps extends ResourceDeps {
  /** The generator writes the document's summary when it is Claude (offline, the TextRank one stays). */
  ai: Pick<AiProviders, "embedder" | "generator">;
}
