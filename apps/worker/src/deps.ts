/** What every job processor can reach. */
import type { AiProviders } from "@sira/ai";
import type { Mailer, UsageRecorder } from "@sira/domain";
import type { Config, FileStorage, Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface WorkerDeps {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
  storage: FileStorage;
  ai: AiProviders;
  mailer: Mailer;
  usage: UsageRecorder;
}
