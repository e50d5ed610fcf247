/**
 * Bearer authentication for REST and tRPC alike: a valid access token sets the actor; a present
 * but invalid one is refused (TOKEN_INVALID / TOKEN_EXPIRED) rather than silently ignored.
 */
import { AppError, type Role } from "@sira/contracts";
import { authKeys, verifyAccessToken } from "@sira/domain";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)$/i;

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const token = BEARER.exec(header.trim())?.[1];
    if (!token) throw new AppError("TOKEN_INVALID");
    const claims = await verifyAccessToken(authKeys(c.get("deps").config), token);
    c.set("actor", claims);
  }
  await next();
});

/** REST guard: a signed-in caller, optionally with one of `roles`. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get("actor");
    if (!actor) throw new AppError("UNAUTHENTICATED");
    if (roles.length && !roles.includes(actor.role)) throw new AppError("FORBIDDEN");
    await next();
  });
}
