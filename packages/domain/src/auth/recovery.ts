/**
 * Lost-authenticator recovery by magic link: a single-use, high-entropy link (stored hashed) that
 * expires after 15 minutes. Using it revokes every session and re-enrols the authenticator, and
 * proves the address. Admins and experts never recover by email (decision 0033): a stolen inbox
 * must not reset a privileged authenticator; they use a backup code or `pnpm admin:create --reenrol`.
 */
import { AppError, type Enrolment } from "@sira/contracts";
import { writeAudit } from "../audit.ts";
import { renderRecoveryEmail } from "../email/templates.ts";
import type { AuthEnv } from "./context.ts";
import { randomToken, tokenHash } from "./crypto.ts";
import { takeAuthEmailQuota } from "./email-quota.ts";
import { markEmailVerified } from "./email-verification.ts";
import { enrolAuthenticator } from "./enrolment.ts";
import { authKeys } from "./keys.ts";
import { lockUser, revokeAllSessions } from "./sessions.ts";

export const MAGIC_LINK_TTL_MINUTES = 15;

/** Roles whose authenticator an emailed link may never reset. */
const NO_EMAIL_RECOVERY = new Set(["admin", "expert"]);

/** Whether a recovery link may serve this account at all. */
const mayRecoverByEmail = (user: { status: string; deletedAt: Date | null; role: string }) =>
  user.status !== "disabled" && !user.deletedAt && !NO_EMAIL_RECOVERY.has(user.role);

/**
 * Sends a recovery link if a learner account exists, within the address's hourly budget (see
 * email-quota.ts); the answer is the same for unknown, staff and over-budget addresses, and so is
 * the work done before it: one lookup. The budget, the link and the email come after the answer.
 */
export async function requestRecovery(env: AuthEnv, email: string): Promise<void> {
  const user = await env.db.user.findUnique({ where: { email } });
  if (!user || !mayRecoverByEmail(user)) return;
  void issueRecoveryLink(env, user);
}

/** Takes the budget, stores the link and emails it; never throws (it runs off the response path). */
async function issueRecoveryLink(env: AuthEnv, user: RecoveryRecipient): Promise<void> {
  try {
    if (!(await takeAuthEmailQuota(env.db, authKeys(env.config).pepper, "recovery", user.email, env.meta.now))) return;
    const token = randomToken();
    await env.db.$transaction(async (tx) => {
      await tx.magicLinkToken.create({
        data: {
          userId: user.id,
          tokenHash: tokenHash(token),
          purpose: "recovery",
          requestedIp: env.meta.ip && /^[0-9a-fA-F:.]+$/.test(env.meta.ip) ? env.meta.ip : null,
          createdAt: env.meta.now,
          expiresAt: new Date(env.meta.now.getTime() + MAGIC_LINK_TTL_MINUTES * 60_000),
        },
      });
      await writeAudit(tx, {
        actorId: user.id,
        action: "auth.recovery_requested",
        targetType: "user",
        targetId: user.id,
        requestId: env.meta.requestId,
        ip: env.meta.ip,
      });
    });
    await sendRecoveryEmail(env, user, token);
  } catch (error) {
    env.logger.error({ err: error, user_id: user.id }, "recovery link not issued");
  }
}

interface RecoveryRecipient {
  id: string;
  email: string;
  name: string;
  preferredLanguage: string;
}

async function sendRecoveryEmail(env: AuthEnv, user: RecoveryRecipient, token: string): Promise<void> {
  const link = new URL("/recover", env.config.APP_BASE_URL);
  link.searchParams.set("token", token);
  const language = user.preferredLanguage === "en" ? "en" : "fr";
  const message = renderRecoveryEmail({
    name: user.name,
    link: link.toString(),
    language,
    expiresInMinutes: MAGIC_LINK_TTL_MINUTES,
  });
  try {
    await env.mailer.send({ to: user.email, userId: user.id, template: "auth.recovery", language, ...message });
  } catch (error) {
    env.logger.error({ err: error, user_id: user.id }, "recovery email not delivered");
  }
}

/** Spends a recovery link: all sessions end and a new authenticator enrolment is handed out. */
export async function confirmRecovery(env: AuthEnv, token: string): Promise<Enrolment & { email: string }> {
  const link = await env.db.magicLinkToken.findUnique({
    where: { tokenHash: tokenHash(token) },
    include: { user: true },
  });
  if (!link) throw new AppError("MAGIC_LINK_INVALID");
  if (link.usedAt) throw new AppError("MAGIC_LINK_USED");
  if (link.expiresAt <= env.meta.now) throw new AppError("MAGIC_LINK_EXPIRED");
  // A link sent before a promotion answers like one that never existed.
  if (!mayRecoverByEmail(link.user)) throw new AppError("MAGIC_LINK_INVALID");

  const enrolment = await env.db.$transaction(async (tx) => {
    // The user first: two links confirmed at once queue here, rather than each holding its own link
    // while waiting for the other's (a deadlock).
    await lockUser(tx, link.userId);
    const { count } = await tx.magicLinkToken.updateMany({
      where: { id: link.id, usedAt: null },
      data: { usedAt: env.meta.now },
    });
    if (count !== 1) throw new AppError("MAGIC_LINK_USED");
    await revokeAllSessions(tx, link.userId, "recovery", env.meta.now, env.denylist);
    // Other links still in the inbox must not reset the new authenticator. Under the user lock, so
    // a link requested in parallel is either seen here or requested after this recovery.
    await tx.magicLinkToken.updateMany({
      where: { userId: link.userId, usedAt: null },
      data: { usedAt: env.meta.now },
    });
    await tx.user.update({ where: { id: link.userId }, data: { status: "pending_mfa" } });
    // The link reached the address, so the address is proven.
    await markEmailVerified(tx, link.userId, null, env.meta.now);
    const fresh = await enrolAuthenticator(tx, env, { id: link.userId, email: link.user.email });
    await writeAudit(tx, {
      actorId: link.userId,
      action: "auth.recovery_completed",
      targetType: "user",
      targetId: link.userId,
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return fresh;
  });
  return { ...enrolment, email: link.user.email };
}
