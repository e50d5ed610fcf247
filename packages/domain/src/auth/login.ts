/** Signing in with email + TOTP code (or a backup code), refreshing, and signing out. */
import { AppError, type TokenPair } from "@sira/contracts";
import { writeAudit } from "../audit.ts";
import { hashBackupCode, isBackupCodeShape } from "./backup-codes.ts";
import type { AuthEnv } from "./context.ts";
import { openSecret, tokenHash } from "./crypto.ts";
import { authKeys } from "./keys.ts";
import { endSession, revokeFamily, rotateRefreshToken, startSession } from "./sessions.ts";
import { assertNotLocked, clearAccountFailures, recordFailure, throttleScopes } from "./throttle.ts";
import { tokenPair } from "./tokens.ts";
import { checkTotp, newTotpSecret } from "./totp.ts";

/** Spent on unknown emails so that they take as long to refuse as wrong codes do. */
const DECOY_SECRET = newTotpSecret();

type Method = "totp" | "backup_code";

/** Signs in an active account; every refusal looks the same unless the code was right but reused. */
export async function login(env: AuthEnv, input: { email: string; code: string }): Promise<TokenPair> {
  const scopes = throttleScopes(input.email, env.meta.ip ?? "unknown", authKeys(env.config).pepper);
  await assertNotLocked(env.db, scopes, env.meta.now);
  const user = await env.db.user.findUnique({ where: { email: input.email }, include: { totpCredential: true } });
  const credential = user?.totpCredential;
  const method: Method = isBackupCodeShape(input.code) ? "backup_code" : "totp";

  const fail = async (code: "INVALID_CREDENTIALS" | "TOTP_CODE_REUSED"): Promise<never> => {
    await recordFailure(env.db, scopes, env.meta.now);
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

  if (!user || !credential?.confirmedAt || user.status !== "active") {
    await checkTotp(DECOY_SECRET, input.code.slice(0, 6).padEnd(6, "0"), null, env.meta.now);
    return fail("INVALID_CREDENTIALS");
  }

  if (method === "backup_code") {
    const { count } = await env.db.backupCode.updateMany({
      where: { userId: user.id, codeHash: hashBackupCode(authKeys(env.config).pepper, input.code), usedAt: null },
      data: { usedAt: env.meta.now },
    });
    if (count !== 1) return fail("INVALID_CREDENTIALS");
  } else {
    const secret = openSecret(
      authKeys(env.config),
      {
        ciphertext: credential.secretCiphertext,
        iv: credential.secretIv,
        tag: credential.secretTag,
        keyVersion: credential.keyVersion,
      },
      user.id,
    );
    const lastStep = credential.lastUsedStep === null ? null : Number(credential.lastUsedStep);
    const check = await checkTotp(secret, input.code, lastStep, env.meta.now);
    if (!check.ok) return fail(check.reason === "reused" ? "TOTP_CODE_REUSED" : "INVALID_CREDENTIALS");
    // Conditional on the step still being new: two API processes cannot both accept one code.
    const { count } = await env.db.totpCredential.updateMany({
      where: { id: credential.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(check.step) } }] },
      data: { lastUsedStep: BigInt(check.step) },
    });
    if (count !== 1) return fail("TOTP_CODE_REUSED");
  }

  const session = await env.db.$transaction(async (tx) => {
    await writeAudit(tx, {
      actorId: user.id,
      action: "auth.login",
      targetType: "user",
      targetId: user.id,
      after: { method },
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return startSession(tx, user.id, env.meta, env.config.REFRESH_TOKEN_TTL_DAYS);
  });
  await clearAccountFailures(env.db, scopes);
  return tokenPair(env, user, session);
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
    await revokeFamily(env.db, rotated.familyId, "account_disabled", env.meta.now, env.denylist);
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
