/**
 * Access tokens: short-lived HS256 JWTs (jose). Verification pins the algorithm, issuer and
 * audience, so `alg: none`, other algorithms, other keys and other audiences are all refused.
 */
import { AppError, LANGUAGES, type Language, ROLES, type Role } from "@sira/contracts";
import { errors, jwtVerify, SignJWT } from "jose";
import type { AuthKeys } from "./keys.ts";

const ALGORITHM = "HS256";

export interface AccessClaims {
  userId: string;
  role: Role;
  preferredLanguage: Language;
  country: string;
  /** The session (refresh-token family) this token belongs to. */
  sessionId: string;
}

export async function issueAccessToken(
  keys: AuthKeys,
  claims: AccessClaims,
  ttlSeconds: number,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    role: claims.role,
    preferred_language: claims.preferredLanguage,
    country: claims.country,
    sid: claims.sessionId,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(keys.issuer)
    .setAudience(keys.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(keys.jwtKey);
}

/**
 * Tokens these keys already verified. A token's signature and claims never change, so the next
 * request with the same token only needs its expiry checked: no HMAC through WebCrypto (a job on
 * libuv's thread pool, and a key import) on every authenticated request. Revocation is not cached
 * here: every request still asks the session denylist. Bounded; the oldest entry goes first.
 */
const verified = new WeakMap<AuthKeys, Map<string, { claims: AccessClaims; exp: number }>>();
const VERIFIED_MAX = 10_000;

/**
 * The claims of a token these keys verified before and still remember, without its expiry checked;
 * null for any other token. For reading ahead only (what to ask Redis for): `verifyAccessToken` decides.
 */
export function rememberedClaims(keys: AuthKeys, token: string): Readonly<AccessClaims> | null {
  return verified.get(keys)?.get(token)?.claims ?? null;
}

/** The claims of a valid token; TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
export async function verifyAccessToken(keys: AuthKeys, token: string, now = new Date()): Promise<AccessClaims> {
  const known = verified.get(keys);
  const hit = known?.get(token);
  if (hit) {
    // jose's rule with no clock tolerance: expired once `exp` is not after now (in seconds).
    if (hit.exp <= Math.floor(now.getTime() / 1000)) throw new AppError("TOKEN_EXPIRED");
    return { ...hit.claims };
  }
  const claims = await verifySignedToken(keys, token, now);
  return { ...claims };
}

async function verifySignedToken(keys: AuthKeys, token: string, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, keys.jwtKey, {
      algorithms: [ALGORITHM],
      issuer: keys.issuer,
      audience: keys.audience,
      requiredClaims: ["sub", "exp", "iat", "jti"],
      currentDate: now,
    });
    const role = payload.role as Role;
    const lang = payload.preferred_language as Language;
    if (!ROLES.includes(role) || !LANGUAGES.includes(lang) || typeof payload.sid !== "string") {
      throw new AppError("TOKEN_INVALID");
    }
    const claims: AccessClaims = {
      userId: payload.sub as string,
      role,
      preferredLanguage: lang,
      country: String(payload.country ?? ""),
      sessionId: payload.sid,
    };
    remember(keys, token, claims, payload.exp as number);
    return claims;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof errors.JWTExpired) throw new AppError("TOKEN_EXPIRED");
    throw new AppError("TOKEN_INVALID");
  }
}

function remember(keys: AuthKeys, token: string, claims: AccessClaims, exp: number): void {
  let known = verified.get(keys);
  if (!known) {
    known = new Map();
    verified.set(keys, known);
  }
  if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value as string);
  known.set(token, { claims, exp });
}
