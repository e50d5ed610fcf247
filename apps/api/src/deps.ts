/** Builds the app's dependencies from the clients the caller owns (the process, a test, a bench). */
import { createAiProviders } from "@sira/ai";
import { createMailer, createUsageRecorder, redisSessionDenylist } from "@sira/domain";
import { type Config, createStorage, type Logger, type Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { AppDeps } from "./app-types.ts";
import { createApiMetrics } from "./metrics/api-metrics.ts";

export function createAppDeps(base: { config: Config; db: Db; redis: Redis; logger: Logger }): AppDeps {
  const { config, db, logger } = base;
  return {
    ...base,
    mailer: createMailer({ config, db, logger }),
    storage: createStorage(config),
    ai: createAiProviders({ config, db, logger }),
    denylist: redisSessionDenylist(base.redis, config, logger, db),
    usage: createUsageRecorder(db, logger, config),
    metrics: createApiMetrics(base),
  };
}
