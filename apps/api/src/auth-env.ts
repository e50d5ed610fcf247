/** Builds the domain's AuthEnv from a request, for REST routes and tRPC procedures alike. */
import type { AuthEnv } from "@sira/domain";
import type { AppDeps } from "./env.ts";

export interface RequestFacts {
  clientIp: string;
  userAgent: string | null;
  requestId: string;
  occurredAt: Date;
}

export function authEnvOf(deps: AppDeps, facts: RequestFacts): AuthEnv {
  return {
    db: deps.db,
    config: deps.config,
    logger: deps.logger,
    mailer: deps.mailer,
    denylist: deps.denylist,
    meta: { ip: facts.clientIp, userAgent: facts.userAgent, requestId: facts.requestId, now: new Date() },
  };
}
