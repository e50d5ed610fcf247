/** Administrator accounts: bootstrapping the first one, and ending a user's sessions. */
import { AppError, type Enrolment } from "@sira/contracts";
import { writeAudit } from "../audit.ts";
import type { AuthEnv } from "./context.ts";
import { enrolAuthenticator } from "./enrolment.ts";
import { revokeAllSessions } from "./sessions.ts";

export interface NewAdmin {
  email: string;
  name: string;
  country: string;
  preferredLanguage: "fr" | "en";
}

/**
 * Creates an admin account awaiting its first TOTP code, or promotes and re-enrols an existing
 * account when `reenrol` is set. Returns the enrolment to hand to that person, once. The operator
 * running the command vouches for the address, so it counts as verified (decision 0032).
 */
export async function createAdmin(env: AuthEnv, input: NewAdmin, reenrol = false): Promise<Enrolment> {
  const existing = await env.db.user.findUnique({ where: { email: input.email } });
  if (existing && !reenrol) {
    throw new AppError("CONFLICT", {
      details: {
        en: `${input.email} already has an account; pass --reenrol to make it an admin with a new authenticator.`,
        fr: `${input.email} a déjà un compte ; ajoutez --reenrol pour en faire un administrateur avec un nouvel authentificateur.`,
      },
    });
  }
  return env.db.$transaction(async (tx) => {
    const user = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data: { role: "admin", status: "pending_mfa", emailVerifiedAt: existing.emailVerifiedAt ?? env.meta.now },
        })
      : await tx.user.create({
          data: {
            email: input.email,
            name: input.name,
            country: input.country,
            preferredLanguage: input.preferredLanguage,
            professionalRole: "platform_admin",
            role: "admin",
            status: "pending_mfa",
            emailVerifiedAt: env.meta.now,
          },
        });
    if (existing) await revokeAllSessions(tx, user.id, "admin", env.meta.now, env.denylist);
    const enrolment = await enrolAuthenticator(tx, env, user);
    await writeAudit(tx, {
      actorId: null,
      action: existing ? "auth.admin_reenrolled" : "auth.admin_created",
      targetType: "user",
      targetId: user.id,
      requestId: env.meta.requestId,
    });
    return enrolment;
  });
}

/** An admin ends every session of a user (e.g. a lost phone); returns how many tokens were revoked. */
export async function revokeUserSessions(env: AuthEnv, adminId: string, userId: string): Promise<number> {
  return env.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw new AppError("NOT_FOUND");
    const count = await revokeAllSessions(tx, userId, "admin", env.meta.now, env.denylist);
    await writeAudit(tx, {
      actorId: adminId,
      action: "admin.user_sessions_revoked",
      targetType: "user",
      targetId: userId,
      after: { revoked_tokens: count },
      requestId: env.meta.requestId,
      ip: env.meta.ip,
    });
    return count;
  });
}
