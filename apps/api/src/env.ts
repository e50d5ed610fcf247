/** What every request handler can reach: the app's dependencies and per-request values. */
import type { Language } from "@sira/contracts";
import type { Config, Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";

export interface AppDeps {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
}

/** The authenticated caller, once auth has resolved one from the bearer token. */
export interface Actor {
  userId: string;
  role: "learner" | "expert" | "admin";
  preferredLanguage: Language;
  country: string;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    log: Logger;
    lang: Language;
    actor: Actor | null;
    clientIp: string;
    /** When the learner really did this: X-Offline-Queued-At if given and in bounds, else now. */
    occurredAt: Date;
  };
}
