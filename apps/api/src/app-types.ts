/** What every request handler can reach: the app's dependencies and per-request values. */
import type { AiProviders } from "@sira/ai";
import type { Language, Role } from "@sira/contracts";
import type { Mailer, SessionDenylist, UsageRecorder } from "@sira/domain";
import type { Config, FileStorage, Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { CallerContext } from "./caller.ts";
import type { ApiMetrics } from "./metrics/api-metrics.ts";

export interface AppDeps {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
  mailer: Mailer;
  storage: FileStorage;
  ai: AiProviders;
  /** Ended sessions whose access tokens must be refused before they expire. */
  denylist: SessionDenylist;
  /** Usage events, buffered and written in bulk. */
  usage: UsageRecorder;
  /** What GET /metrics reports; each request adds one latency observation. */
  metrics: ApiMetrics;
}

/** The authenticated caller, once auth has resolved one from the bearer token. */
export interface Actor {
  userId: string;
  role: Role;
  preferredLanguage: Language;
  country: string;
  /** The session (refresh-token family) the access token was issued for. */
  sessionId: string;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    log: Logger;
    lang: Language;
    actor: Actor | null;
    /** The actor's role as the database has it, once a privileged route has read it. */
    verifiedRole: Role | undefined;
    clientIp: string;
    /** When the learner really did this: X-Offline-Queued-At if given and in bounds, else now. */
    occurredAt: Date;
    /** The bounded X-Offline-Queued-At of a request replayed from an offline queue, else null. */
    offlineQueuedAt: Date | null;
    /** The signed-in caller's context, once a `requireRole` guard has built it. */
    caller: CallerContext | undefined;
    /**
     * Whether Redis lists the session the bearer token names as ended, read by the rate limiter in
     * its own round trip before the token is verified; auth uses it once the token proves that session.
     */
    sessionListed: { sessionId: string; listed: boolean; loaded: boolean } | undefined;
    /** Redis values the rate limiter read in its round trip for the route (`RateLimitOptions.prefetch`). */
    prefetched: ReadonlyMap<string, string | null> | undefined;
  };
}
