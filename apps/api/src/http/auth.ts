/**
 * Bearer authentication for REST and tRPC alike: a valid access token of a session that still
 * stands sets the actor; a present but invalid, expired or revoked one is refused rather than
 * silently ignored. Privileged routes read the role from the database, never from the token.
 */
import { AppError, type Role } from "@sira/contracts";
import { activeRole, authKeys, rememberedClaims, sessionStands, verifyAccessToken } from "@sira/domain";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Actor, AppDeps, AppEnv } from "../app-types.ts";
import { callerContext, requestFacts } from "../caller.ts";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)$/i;

/** What a bearer token says about its caller, read without verifying it. */
export interface TokenClaim {
  sessionId: string;
  userId: string;
  /** The caller's preferred language, as the token states it. */
  language: string | null;
}

const claimedId = (value: unknown) =>
  typeof value === "string" && value.length > 0 && value.length <= 128 ? value : null;

/**
 * What a bearer token claims, read without verifying it (null when there is nothing to read). Only
 * for asking Redis early: nothing is trusted until `authenticate` verifies the token.
 */
export function claimedToken(c: Context<AppEnv>): TokenClaim | null {
  const header = c.req.header("authorization");
  if (!header) return null;
  const token = BEARER.exec(header.trim())?.[1];
  if (!token) return null;
  // A token verified before: its claims are at hand, with no base64 and JSON to decode.
  const known = rememberedClaims(authKeys(c.get("deps").config), token);
  if (known) return { sessionId: known.sessionId, userId: known.userId, language: known.preferredLanguage };
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const sessionId = claimedId(claims.sid);
    const userId = claimedId(claims.sub);
    if (!sessionId || !userId) return null;
    const language = typeof claims.preferred_language === "string" ? claims.preferred_language : null;
    return { sessionId, userId, language };
  } catch {
    return null;
  }
}

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const token = BEARER.exec(header.trim())?.[1];
    if (!token) throw new AppError("TOKEN_INVALID");
    const deps = c.get("deps");
    const claims = await verifyAccessToken(authKeys(deps.config), token);
    // The rate limiter may have read the denylist already, for the session this token proves.
    const early = c.get("sessionListed");
    const seen = early?.sessionId === claims.sessionId ? early : undefined;
    // An ended session is no sign-in at all, as for an erased account: the client signs in again.
    if (!(await sessionStands(deps, claims, seen))) throw new AppError("UNAUTHENTICATED");
    c.set("actor", claims);
  }
  await next();
});

/**
 * The actor with the role the database gives an active account, if that role is one of `roles`;
 * FORBIDDEN otherwise. For the routes that gate privileged things (admin, expert).
 */
export async function withDatabaseRole(deps: Pick<AppDeps, "db">, actor: Actor, roles: readonly Role[]) {
  const role = await activeRole(deps.db, actor.userId);
  if (!role || !roles.includes(role)) throw new AppError("FORBIDDEN");
  return { ...actor, role };
}

async function verifyRole(c: Context<AppEnv>, actor: Actor, roles: readonly Role[]): Promise<void> {
  const known = c.get("verifiedRole");
  if (known !== undefined) {
    if (!roles.includes(known)) throw new AppError("FORBIDDEN");
    return;
  }
  const verified = await withDatabaseRole(c.get("deps"), actor, roles);
  c.set("verifiedRole", verified.role);
  c.set("actor", verified);
}

/**
 * REST guard: a signed-in caller, optionally with one of `roles` (then read from the database).
 * It builds the caller context the route reads with `callerOf`, as `authedProcedure` does for tRPC.
 */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get("actor");
    if (!actor) throw new AppError("UNAUTHENTICATED");
    if (roles.length) await verifyRole(c, actor, roles);
    c.set("caller", callerContext(requestFacts(c)));
    await next();
  });
}
