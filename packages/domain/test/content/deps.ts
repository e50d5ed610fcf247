/** Real dependencies for the content domain tests: this worker's database, Redis and queue prefix. */
import { createAiProviders } from "@sira/ai";
import { closeQueues, createLogger, createRedis, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import type { ContentDeps } from "../../src/content/deps.ts";

export function contentDeps(): ContentDeps & { close: () => Promise<void> } {
  const config = parseConfig(process.env);
  const db = createDb({ url: config.DATABASE_URL });
  const redis = createRedis(config.REDIS_URL);
  const logger = createLogger("test", "silent");
  return {
    config,
    db,
    redis,
    logger,
    ai: createAiProviders({ config, db, logger }),
    close: async () => {
      await closeQueues();
      await db.$disconnect();
      redis.disconnect();
    },
  };
}
