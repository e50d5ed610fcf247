/**
 * Registration and TOTP enrolment. Registering an email that already has an account answers
 * exactly like a new registration, after the same work (an enrolment bound to nothing), and tells
 * the owner by email, so the endpoint never reveals which emails are registered. A new account also gets an
 * emailed code: the first confirmation needs it, so only the address's owner can activate it.
 */
import { randomUUID } from "node:crypto";
import { AppError, type Enrolment, type RegisterInput, type TokenPair } from "@sira/contracts";
import type { Transaction } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import { renderAccountExistsEmail } from "../email/templates.ts";
import { hashBackupCode, newBackupCodes } from "./backup-codes.ts";
import type { AuthEnv } from "./context.ts";
import { openSecret, sealSecret } from "./crypto.ts";
import { takeAuthEmailQuota } from "./email-quota.ts";
import { checkEmailCode, issueEmailCode, markEmailVerified, sendEmailCode } from "./email-verification.ts";
import { authKeys } from "./keys.ts";
import { startSession } from "./sessions.ts";
import { releaseAttempt, reserveAttempt, throttleScopes } from "./throttle.ts";
import { tokenPair } from "./tokens.ts";
import { checkTotp, newTotpSecret, totpEnrolment } from "./totp.ts";

/** Stores a fresh, unconfirmed TOTP secret and new backup codes for a user; returns them once. */
export async function enrolAuthenticator(
  tx: Transaction,
  env: AuthEnv,
  user: { id: string; email: string },
): Promise<Enrolment> {
  const keys = authKeys(env.config);
  const secret = newTotpSecret();
  const sealed = sealSecret(keys, secret, user.id);
  const data = {
    secretCiphertext: sealed.ciphertext,
    secretIv: sealed.iv,
    secretTag: sealed.tag,
    keyVersion: sealed.keyVersion,
    confirmedAt: null,
    lastUsedStep: null,
  };
  await tx.totpCredential.upsert({ where: { userId: user.id }, create: { userId: user.id, ...data }, update: data });
  const codes = newBackupCodes();
  await tx.backupCode.deleteMany({ where: { userId: user.id } });
  await tx.backupCode.createMany({
    data: codes.map((code) => ({ userId: user.id, codeHash: hashBackupCode(keys.pepper, code) })),
  });
  return { totp: await totpEnrolment(user.email, secret), backup_codes: codes, next_step: "confirm_totp" };
}

/** Creates a pending account and hands out its authenticator enrolment and backup codes. */
export async function register(env: AuthEnv, input: RegisterInput): Promise<Enrolment> {
  const existing = await env.db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) return registerExisting(env, existing.id, input);
  try {
    const created = await env.db.$transaction(async (tx) => {
      const pending = await enrolPendingAccount(tx, env, input, input.email);
      await writeAudit(tx, {
        actorId: pending.user.id,
        action: "auth.registered",
        targetType: "user",
        targetId: pending.user.id,
        requestId: env.meta.requestId,
        ip: env.meta.ip,
      });
      return pending;
    });
    // Sent off the response path, like the notice an existing address gets.
    void sendEmailCode(env, created.user, created.emailCode);
    return created.enrolment;
  } catch (error) {
    // Two registrations of one email racing: the loser answers like any existing email.
    if ((error as { code?: string }).code === "P2002") return registerExisting(env, null, input);
    throw error;
  }
}

/**
 * A pending account at `address` with its sealed secret, hashed backup codes and emailed code:
 * what a new address costs. The enrolment names the address the caller asked for.
 */
async function enrolPendingAccount(tx: Transaction, env: AuthEnv, input: RegisterInput, address: string) {
  const user = await tx.user.create({
    data: {
      email: address,
      name: input.name,
      preferredLanguage: input.preferred_language,
      country: input.country,
      professionalRole: input.professional_role,
      currentLevel: input.current_level ?? 1,
      status: "pending_mfa",
    },
    select: { id: true, email: true, name: true, preferredLanguage: true },
  });
  const enrolment = await enrolAuthenticator(tx, env, { id: user.id, email: input.email });
  const emailCode = await issueEmailCode(tx, authKeys(env.config).pepper, user.id, env.meta.now);
  return { enrolment, user, emailCode };
}

/** Thrown to roll back the decoy account of a taken address. */
class DecoyRollback extends Error {
  constructor(readonly enrolment: Enrolment) {
    super("decoy enrolment rolled back");
  }
}

/**
 * A taken address answers like a new one, after the same work: the same account, secret, codes
 * and emailed code, for a placeholder address in a transaction rolled back, then its audit row.
 * Only the owner's notice differs, and it is sent after the answer.
 */
async function registerExisting(env: AuthEnv, userId: string | null, input: RegisterInput): Promise<Enrolment> {
  const enrolment = await decoyEnrolment(env, input);
  await writeAudit(env.db, {
    actorId: userId,
    action: "auth.register_existing_email",
    targetType: "user",
    targetId: userId,
    requestId: env.meta.requestId,
    ip: env.meta.ip,
  });
  if (userId) void notifyExistingAccount(env, userId);
  return enrolment;
}

async function decoyEnrolment(env: AuthEnv, input: RegisterInput): Promise<Enrolment> {
  try {
    await env.db.$transaction(async (tx) => {
      const decoy = await enrolPendingAccount(tx, env, input, `${randomUUID()}@decoy.invalid`);
      throw new DecoyRollback(decoy.enrolment);
    });
  } catch (error) {
    if (error instanceof DecoyRollback) return error.enrolment;
    throw error;
  }
  throw new Error("unreachable: the decoy transaction always rolls back");
}

async function notifyExistingAccount(env: AuthEnv, userId: string): Promise<void> {
  try {
    const user = await env.db.user.findUniqueOrThrow({ where: { id: userId } });
    const pepper = authKeys(env.config).pepper;
    if (!(await takeAuthEmailQuota(env.db, pepper, "account_exists", user.email, env.meta.now))) return;
    const language = user.preferredLanguage === "en" ? "en" : "fr";
    const email = renderAccountExistsEmail({
      name: user.name,
      language,
      recoveryUrl: new URL("/recover", env.config.APP_BASE_URL).toString(),
    });
    await env.mailer.send({ to: user.email, userId, template: "auth.account_exists", language, ...email });
  } catch (error) {
    env.logger.error({ err: error }, "could not send the account-exists notice");
  }
}

/**
 * The id of the emailed code that matches, for an address not yet verified. A missing or wrong
 * code answers like a wrong TOTP code: the decoy enrolment of a taken address holds codes that a
 * real account refuses that way, so any other answer would tell a free address from a taken one.
 */
async function matchedEmailCode(env: AuthEnv, userId: string, emailCode: string | undefined): Promise<string> {
  const id = emailCode
    ? await checkEmailCode(env.db, authKeys(env.config).pepper, userId, emailCode, env.meta.now)
    : null;
  if (!id) throw new AppError("INVALID_CREDENTIALS");
  return id;
}

/**
 * Confirms a pending authenticator with its first code (and, for an unverified address, the
 * emailed code): the account becomes active and signed in.
 */
export async function confirmTotp(
  env: AuthEnv,
  input: { email: string; code: string; email_code?: string | undefined },
): Promise<TokenPair> {
  const scopes = throttleScopes(input.email, env.meta.ip ?? "unknown", authKeys(env.config).pepper);
  await reserveAttempt(env.db, scopes, env.meta.now);
  const user = await env.db.user.findUnique({ where: { email: input.email }, include: { totpCredential: true } });
  const credential = user?.totpCredential;
  if (!user || !credential || credential.confirmedAt || user.status === "disabled") {
    throw new AppError("INVALID_CREDENTIALS");
  }
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
  const check = await checkTotp(secret, input.code, null, env.meta.now);
  if (!check.ok) {
    throw new AppError("INVALID_CREDENTIALS");
  }
  const emailCodeId = user.emailVerifiedAt ? null : await matchedEmailCode(env, user.id, input.email_code);
  const session = await env.db.$transaction(async (tx) => {
    const { count } = await tx.totpCredential.updateMany({
      where: { id: credential.id, confirmedAt: null },
      data: { confirmedAt: env.meta.now, lastUsedStep: BigInt(check.step) },
    });
    if (count !== 1) throw new AppError("TOTP_CODE_REUSED");
    if (emailCodeId && !(await markEmailVerified(tx, user.id, emailCodeId, env.meta.now))) {
      throw new AppError("INVALID_CREDENTIALS");
    }
    await tx.user.update({ where: { id: user.id }, data: { status: "active" } });
    await writeAudit(tx, {
      actorId: user.id,
      action: "auth.totp_confirmed",
      targetType: "user",
      targetId: user.id,
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return startSession(tx, user.id, env.meta, env.config.REFRESH_TOKEN_TTL_DAYS);
  });
  await releaseAttempt(env.db, scopes, env.meta.now);
  return tokenPair(env, user, session);
}
