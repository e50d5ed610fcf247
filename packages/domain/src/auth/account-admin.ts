/**
 * An administrator disables or re-enables an account, or changes its role. Each change ends every
 * session of the account at once (refresh tokens revoked, access tokens denied): the person signs
 * in again, and the new tokens carry the new role (decision 0029).
 */
import { type AdminAccount, AppError, type Role } from "@sira/contracts";
import type { Transaction } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import type { AuthEnv } from "./context.ts";
import { revokeAllSessions } from "./sessions.ts";

type Change = { status: string } | { role: Role };

function refuseSelf(adminId: string, userId: string): void {
  if (adminId !== userId) return;
  throw new AppError("CONFLICT", {
    details: {
      en: "Administrators cannot disable their own account or change their own role.",
      fr: "Un administrateur ne peut ni désactiver son propre compte ni changer son propre rôle.",
    },
  });
}

async function lockedAccount(tx: Transaction, userId: string) {
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, role: true, status: true, deletedAt: true, totpCredential: { select: { confirmedAt: true } } },
  });
  if (!user || user.deletedAt) throw new AppError("NOT_FOUND");
  return user;
}

async function applyChange(
  env: AuthEnv,
  adminId: string,
  userId: string,
  action: "disabled" | "enabled" | "role_changed",
  change: (user: Awaited<ReturnType<typeof lockedAccount>>) => Change,
): Promise<AdminAccount> {
  refuseSelf(adminId, userId);
  return env.db.$transaction(async (tx) => {
    const before = await lockedAccount(tx, userId);
    const data = change(before);
    const after = await tx.user.update({ where: { id: userId }, data, select: { id: true, role: true, status: true } });
    const reason = action === "disabled" ? "account_disabled" : "admin";
    const revoked = await revokeAllSessions(tx, userId, reason, env.meta.now, env.denylist);
    await writeAudit(tx, {
      actorId: adminId,
      action: `admin.user_${action}`,
      targetType: "user",
      targetId: userId,
      before: { role: before.role, status: before.status },
      after: { role: after.role, status: after.status, revoked_tokens: revoked },
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return { id: after.id, role: after.role as Role, status: after.status, revoked_tokens: revoked };
  });
}

/** Disables an account: it can no longer sign in, refresh, or use a token it already holds. */
export function disableAccount(env: AuthEnv, adminId: string, userId: string): Promise<AdminAccount> {
  return applyChange(env, adminId, userId, "disabled", () => ({ status: "disabled" }));
}

/** Re-enables a disabled account: active again if its authenticator was confirmed, else awaiting it. */
export function enableAccount(env: AuthEnv, adminId: string, userId: string): Promise<AdminAccount> {
  return applyChange(env, adminId, userId, "enabled", (user) => {
    if (user.status !== "disabled") throw new AppError("CONFLICT");
    return { status: user.totpCredential?.confirmedAt ? "active" : "pending_mfa" };
  });
}

/** Gives an account another role; its sessions end so that no token keeps the old one. */
export function changeAccountRole(env: AuthEnv, adminId: string, userId: string, role: Role): Promise<AdminAccount> {
  return applyChange(env, adminId, userId, "role_changed", () => ({ role }));
}
