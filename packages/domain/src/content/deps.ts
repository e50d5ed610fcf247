/** What the content services need: the database, Redis, the AI providers and the queue settings. */
import type { AiProviders } from "@sira/ai";
import type { Config, Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface ContentDeps {
  config: Pick<Config, "QUEUE_PREFIX">;
  db: Db;
  redis: Redis;
  logger: Logger;
  ai: AiProviders;
}

export type ContentStoreDeps = Omit<ContentDeps, "ai">;
