/**
 * Proof that the person registering owns the address (decision 0032): registration emails an
 * eight-digit code, stored as a peppered hash, valid 30 minutes, tried at most five times; the
 * first TOTP confirmation must carry it. Only the newest code of an account works.
 */
import { randomInt } from "node:crypto";
import type { Db, Transaction } from "@sira/infra/db";
import { renderEmailCodeEmail } from "../email/templates.ts";
import type { AuthEnv } from "./context.ts";
import { pepperedHash, safeEqual } from "./crypto.ts";
import { takeAuthEmailQuota } from "./email-quota.ts";
import { authKeys } from "./keys.ts";

export const EMAIL_CODE_TTL_MINUTES = 30;
/** Tries one code allows, right or wrong; then only a new code verifies. */
export const EMAIL_CODE_ATTEMPTS = 5;

const codeHash = (pepper: Buffer, userId: string, code: string) =>
  pepperedHash(pepper, `email-code:${userId}:${code.replace(/\D/g, "")}`);

/** Stores a fresh code for the account (older ones stop working) and returns it, once. */
export async function issueEmailCode(tx: Transaction, pepper: Buffer, userId: string, now: Date): Promise<string> {
  const code = String(randomInt(0, 100_000_000)).padStart(8, "0");
  await tx.emailVerification.deleteMany({ where: { userId, usedAt: null } });
  await tx.emailVerification.create({
    data: {
      userId,
      codeHash: codeHash(pepper, userId, code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + EMAIL_CODE_TTL_MINUTES * 60_000),
    },
  });
  return code;
}

/** Emails a code within the address's hourly budget; never throws (it runs off the response path). */
export async function sendEmailCode(env: AuthEnv, user: CodeRecipient, code: string): Promise<void> {
  try {
    const pepper = authKeys(env.config).pepper;
    if (await takeAuthEmailQuota(env.db, pepper, "email_code", user.email, env.meta.now)) {
      await deliverEmailCode(env, user, code);
    }
  } catch (error) {
    env.logger.error({ err: error, user_id: user.id }, "email code not delivered");
  }
}

interface CodeRecipient {
  id: string;
  email: string;
  name: string;
  preferredLanguage: string;
}

async function deliverEmailCode(env: AuthEnv, user: CodeRecipient, code: string): Promise<void> {
  try {
    const language = user.preferredLanguage === "en" ? "en" : "fr";
    const message = renderEmailCodeEmail({
      name: user.name,
      language,
      code,
      expiresInMinutes: EMAIL_CODE_TTL_MINUTES,
      appUrl: new URL("/register", env.config.APP_BASE_URL).toString(),
    });
    await env.mailer.send({ to: user.email, userId: user.id, template: "auth.email_code", language, ...message });
  } catch (error) {
    env.logger.error({ err: error, user_id: user.id }, "email code not delivered");
  }
}

/**
 * Checks `code` against the account's newest live code and returns its row id when it matches,
 * null otherwise. The try is counted first, in one conditional UPDATE, so parallel guesses never
 * get more than EMAIL_CODE_ATTEMPTS comparisons. The caller spends the row with `markEmailVerified`.
 */
export async function checkEmailCode(
  db: Db,
  pepper: Buffer,
  userId: string,
  code: string,
  now: Date,
): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string; code_hash: string }[]>`
    UPDATE email_verifications SET attempts = attempts + 1
    WHERE id = (SELECT id FROM email_verifications
                WHERE user_id = ${userId}::uuid AND used_at IS NULL
                ORDER BY created_at DESC LIMIT 1)
      AND used_at IS NULL AND attempts < ${EMAIL_CODE_ATTEMPTS} AND expires_at > ${now}
    RETURNING id, code_hash`;
  const row = rows[0];
  return row && safeEqual(row.code_hash, codeHash(pepper, userId, code)) ? row.id : null;
}

/** Spends a matched code and records the address as verified; false when it was spent meanwhile. */
export async function markEmailVerified(
  tx: Transaction,
  userId: string,
  codeId: string | null,
  now: Date,
): Promise<boolean> {
  if (codeId) {
    const { count } = await tx.emailVerification.updateMany({
      where: { id: codeId, userId, usedAt: null },
      data: { usedAt: now },
    });
    if (count !== 1) return false;
  }
  await tx.emailVerification.deleteMany({ where: { userId, usedAt: null } });
  await tx.user.updateMany({ where: { id: userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
  return true;
}

/**
 * Sends a new code to an account still waiting for its first confirmation. The answer is the same
 * whatever the address: unknown, verified, active or over its budget, and so is the work done
 * before it: one lookup. The budget, the code and the email come after the answer.
 */
export async function requestEmailCode(env: AuthEnv, email: string): Promise<void> {
  const user = await env.db.user.findUnique({ where: { email } });
  if (user?.status !== "pending_mfa" || user.emailVerifiedAt || user.deletedAt) return;
  void issueAndSendEmailCode(env, user);
}

/** Takes the budget, stores a new code and emails it; never throws (it runs off the response path). */
async function issueAndSendEmailCode(env: AuthEnv, user: CodeRecipient): Promise<void> {
  try {
    const pepper = authKeys(env.config).pepper;
    if (!(await takeAuthEmailQuota(env.db, pepper, "email_code", user.email, env.meta.now))) return;
    const code = await env.db.$transaction((tx) => issueEmailCode(tx, pepper, user.id, env.meta.now));
    await deliverEmailCode(env, user, code);
  } catch (error) {
    env.logger.error({ err: error, user_id: user.id }, "email code not issued");
  }
}
