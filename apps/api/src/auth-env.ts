/** Builds the domain's AuthEnv from a request's context, for REST routes and tRPC procedures alike. */
import type { AuthEnv } from "@sira/domain";
import type { PublicContext } from "./caller.ts";

export function authEnvOf({ deps, meta }: PublicContext): AuthEnv {
  return {
    db: deps.db,
    config: deps.config,
    logger: deps.logger,
    mailer: deps.mailer,
    denylist: deps.denylist,
    meta,
    usage: deps.usage,
  };
}
