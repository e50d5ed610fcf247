/** Signing in with email + TOTP code (or a backup code), refreshing, and signing out. */
import { AppError, type TokenPair } from "@sira/contracts";
import { writeAudit } from "../audit.ts";
import { hashBackupCode, isBackupCodeShape } from "./backup-codes.ts";
import type { AuthEnv } from "./context.ts";
import { openSecret, type SealedSecret, sealSecret, tokenHash } from "./crypto.ts";
import { type AuthKeys, authKeys } from "./keys.ts";
import { endSession, revokeFamily, rotateRefreshToken, startSession } from "./sessions.ts";
import { releaseAttempt, reserveAttempt, throttleScopes } from "./throttle.ts";
import { tokenPair } from "./tokens.ts";
import { checkTotp, newTotpSecret } from "./totp.ts";

/**
 * What a refusal for an account that cannot sign in (unknown, pending, disabled) checks instead of
 * its own secret, so that it costs the same work as a wrong code for an active account.
 */
const DECOY_USER_ID = "00000000-0000-0000-0000-000000000000";
const decoySecrets = new WeakMap<AuthKeys, SealedSecret>();

function decoySecret(keys: AuthKeys): SealedSecret {
  let sealed = decoySecrets.get(keys);
  if (!sealed) {
    sealed = sealSecret(keys, newTotpSecret(), DECOY_USER_ID);
    decoySecrets.set(keys, sealed);
  }
  return sealed;
}

type Method = "totp" | "backup_code";

/** Signs in an active account; every refusal looks the same unless the code was right but reused. */
export async function login(env: AuthEnv, input: { email: string; code: string }): Promise<TokenPair> {
  const keys = authKeys(env.config);
  const scopes = throttleScopes(input.email, env.meta.ip ?? "unknown", keys.pepper);
  await reserveAttempt(env.db, scopes, env.meta.now);
  // Two lookups whatever the email: an include would skip the second for an unknown one.
  const user = await env.db.user.findUnique({ where: { email: input.email } });
  const credential = await env.db.totpCredential.findUnique({ where: { userId: user?.id ?? DECOY_USER_ID } });
  const method: Method = isBackupCodeShape(input.code) ? "backup_code" : "totp";
  // Every account state goes through the same steps below; only this decides the outcome.
  const account = user && credential?.confirmedAt && user.status === "active" ? { user, credential } : null;

  // The attempt is already counted (reserved): a failure only needs its audit row.
  const fail = async (code: "INVALID_CREDENTIALS" | "TOTP_CODE_REUSED"): Promise<never> => {
    await writeAudit(env.db, {
      actorId: user?.id ?? null,
      action: "auth.login_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      after: { method, reason: code === "TOTP_CODE_REUSED" ? "reused" : "invalid" },
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    throw new AppError(code);
  };

  if (method === "backup_code") {
    // Same statement for everyone; an ineligible account matches no row, so its codes stay unspent.
    const { count } = await env.db.backupCode.updateMany({
      where: {
        userId: account?.user.id ?? DECOY_USER_ID,
        codeHash: hashBackupCode(keys.pepper, input.code),
        usedAt: null,
      },
      data: { usedAt: env.meta.now },
    });
    if (!account || count !== 1) return fail("INVALID_CREDENTIALS");
  } else {
    const own = account?.credential;
    const secret = openSecret(
      keys,
      own
        ? { ciphertext: own.secretCiphertext, iv: own.secretIv, tag: own.secretTag, keyVersion: own.keyVersion }
        : decoySecret(keys),
      account?.user.id ?? DECOY_USER_ID,
    );
    const lastStep = own?.lastUsedStep == null ? null : Number(own.lastUsedStep);
    const check = await checkTotp(secret, input.code, lastStep, env.meta.now);
    if (!account) return fail("INVALID_CREDENTIALS");
    if (!check.ok) return fail(check.reason === "reused" ? "TOTP_CODE_REUSED" : "INVALID_CREDENTIALS");
    // Conditional on the step still being new: two API processes cannot both accept one code.
    const { count } = await env.db.totpCredential.updateMany({
      where: { id: account.credential.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(check.step) } }] },
      data: { lastUsedStep: BigInt(check.step) },
    });
    if (count !== 1) return fail("TOTP_CODE_REUSED");
  }

  const session = await env.db.$transaction(async (tx) => {
    await writeAudit(tx, {
      actorId: account.user.id,
      action: "auth.login",
      targetType: "user",
      targetId: account.user.id,
      after: { method },
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return startSession(tx, account.user.id, env.meta, env.config.REFRESH_TOKEN_TTL_DAYS);
  });
  await releaseAttempt(env.db, scopes, env.meta.now);
  env.usage.record({ kind: "login", userId: account.user.id, metadata: { method }, occurredAt: env.meta.now });
  return tokenPair(env, account.user, session);
}

/** A new token pair for a live refresh token; reuse of a rotated one revokes its session (a quick retry excepted). */
export async function refresh(env: AuthEnv, refreshToken: string): Promise<TokenPair> {
  const policy = {
    ttlDays: env.config.REFRESH_TOKEN_TTL_DAYS,
    sessionMaxAgeSeconds: env.config.REFRESH_SESSION_MAX_AGE_SECONDS,
    retryGraceSeconds: env.config.REFRESH_RETRY_GRACE_SECONDS,
    successorKey: authKeys(env.config).pepper,
  };
  const rotated = await rotateRefreshToken(env.db, refreshToken, env.meta, policy, env.denylist);
  const user = await env.db.user.findUnique({ where: { id: rotated.userId } });
  if (user?.status !== "active") {
    await revokeFamily(env.db, rotated.userId, rotated.familyId, "account_disabled", env.meta.now, env.denylist);
    throw new AppError("REFRESH_TOKEN_INVALID");
  }
  return tokenPair(env, user, rotated);
}

/** Ends the caller's current session (or the one a given refresh token belongs to). */
export async function logout(env: AuthEnv, userId: string, sessionId: string, refreshToken?: string): Promise<void> {
  let familyId = sessionId;
  if (refreshToken) {
    const row = await env.db.refreshToken.findUnique({ where: { tokenHash: tokenHash(refreshToken) } });
    if (row && row.userId === userId) familyId = row.familyId;
  }
  await endSession(env.db, userId, familyId, "logout", env.meta.now, env.denylist);
  await writeAudit(env.db, {
    actorId: userId,
    action: "auth.logout",
    targetType: "session",
    targetId: familyId,
    requestId: env.meta.requestId,
    ip: env.meta.ip,
  });
}
