/**
 * GDPR erasure (art. 17), self-service. Personal learning data is deleted; the money trail (credit
 * account, ledger, subscriptions, payments, code redemptions) must stay auditable, so it stays
 * attached to the user row, which is anonymised instead of deleted. See decision 0013.
 */
import type { Db, Transaction } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import type { SessionDenylist } from "../auth/revocation.ts";
import { revokeAllSessions } from "../auth/sessions.ts";
import type { AuditMeta } from "../request-meta.ts";
import { liveUser } from "./profile.ts";

export interface ErasureReport {
  erasedAt: Date;
  sessionsRevoked: number;
  deleted: Record<string, number>;
}

/** The address an erased account keeps: unique, valid for the CHECK, and undeliverable (RFC 2606). */
export const erasedEmail = (userId: string, suffix?: string): string =>
  `erased-${userId}${suffix ? `-${suffix}` : ""}@erased.invalid`;

/**
 * `erasedEmail(userId)`, unless someone registered that address first to make the erasure fail on
 * the unique index: then a random suffix, so the erasure still goes through.
 */
async function freeErasedEmail(tx: Transaction, userId: string): Promise<string> {
  const taken = await tx.user.count({ where: { email: erasedEmail(userId) } });
  return taken ? erasedEmail(userId, crypto.randomUUID().slice(0, 8)) : erasedEmail(userId);
}

/** Deletes the user's personal rows, table by table; returns how many went from each. */
async function deletePersonalData(tx: Transaction, userId: string, email: string): Promise<Record<string, number>> {
  const mine = { where: { userId } };
  // Children before parents where a foreign key would otherwise refuse or leave orphans behind.
  const steps: [string, () => Promise<{ count: number }>][] = [
    ["totp_credentials", () => tx.totpCredential.deleteMany(mine)],
    ["backup_codes", () => tx.backupCode.deleteMany(mine)],
    ["magic_link_tokens", () => tx.magicLinkToken.deleteMany(mine)],
    ["email_verifications", () => tx.emailVerification.deleteMany(mine)],
    ["flashcard_review_logs", () => tx.flashcardReviewLog.deleteMany(mine)],
    ["flashcard_reviews", () => tx.flashcardReview.deleteMany(mine)],
    // Weights fitted to this learner's reviews; a course's (user_id null) are not theirs.
    ["fsrs_parameter_sets", () => tx.fsrsParameterSet.deleteMany(mine)],
    ["course_preassessment_results", () => tx.coursePreassessmentResult.deleteMany(mine)],
    ["quiz_attempts", () => tx.quizAttempt.deleteMany(mine)], // responses cascade
    ["case_study_submissions", () => tx.caseStudySubmission.deleteMany(mine)], // the learner's own words
    ["lesson_reading", () => tx.lessonReading.deleteMany(mine)],
    ["user_unit_progress", () => tx.userUnitProgress.deleteMany(mine)],
    ["user_module_progress", () => tx.userModuleProgress.deleteMany(mine)],
    ["user_course_enrollment", () => tx.userCourseEnrollment.deleteMany(mine)],
    ["tutor_conversations", () => tx.tutorConversation.deleteMany(mine)], // messages cascade
    ["learner_memory", () => tx.learnerMemory.deleteMany(mine)],
    ["tutor_daily_usage", () => tx.tutorDailyUsage.deleteMany(mine)],
    ["usage_events", () => tx.usageEvent.deleteMany(mine)],
    // The roll-ups' daily counts keep the erased user's activity, but no longer who it was.
    ["usage_user_days", () => tx.usageUserDay.deleteMany(mine)],
    ["user_group_members", () => tx.userGroupMember.deleteMany(mine)],
    ["curriculum_access", () => tx.curriculumAccess.deleteMany(mine)],
    ["sync_tombstones", () => tx.syncTombstone.deleteMany(mine)],
    // Stored answers may quote the profile. In-flight claims go too, this request's own included:
    // its session ends here, so no replay could reach it, and completing a deleted claim is a no-op.
    ["idempotency_keys", () => tx.idempotencyKey.deleteMany(mine)],
    ["email_outbox", () => tx.emailOutbox.deleteMany({ where: { OR: [{ userId }, { toAddress: email }] } })],
  ];
  const deleted: Record<string, number> = {};
  for (const [table, run] of steps) deleted[table] = (await run()).count;
  return deleted;
}

/**
 * Erases the caller's account in one transaction: sessions revoked (`account_erased`), credentials
 * and personal learning data deleted, the user row anonymised and disabled, the values of their
 * past profile audits redacted, and a PII-free `user.erased` audit written. The credit ledger is
 * untouched, so balances still equal the sum of their transactions.
 */
export async function eraseAccount(
  db: Db,
  userId: string,
  meta: AuditMeta,
  denylist: SessionDenylist,
): Promise<ErasureReport> {
  return db.$transaction(
    async (tx) => {
      // Intents before the user, in the order an SMS payment takes them (the intent, then the
      // user's row through its payment's foreign key): taken the other way round, the two deadlock.
      await tx.$queryRaw`SELECT id FROM payment_intents WHERE user_id = ${userId}::uuid ORDER BY id FOR UPDATE`;
      await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      const user = await liveUser(tx, userId);
      const now = meta.now;

      const sessionsRevoked = await revokeAllSessions(tx, userId, "account_erased", now, denylist);
      await tx.refreshToken.updateMany({ where: { userId }, data: { userAgent: null, ip: null } });
      const deleted = await deletePersonalData(tx, userId, user.email);
      // Intents are part of the money trail and stay, but one left open no longer pays this account
      // (an SMS quoting it goes to the admin's review, even one received before the erasure and
      // relayed after it), and none keeps the number the learner typed.
      await tx.paymentIntent.updateMany({ where: { userId, status: "open" }, data: { status: "cancelled" } });
      await tx.paymentIntent.updateMany({ where: { userId, phone: { not: null } }, data: { phone: null } });

      // The audit trail keeps that a field changed, not what it said.
      await tx.$executeRaw`
        UPDATE audit_log
        SET before = (SELECT jsonb_object_agg(k, 'erased'::text) FROM jsonb_object_keys(before) AS k),
            after = (SELECT jsonb_object_agg(k, 'erased'::text) FROM jsonb_object_keys(after) AS k)
        WHERE action = 'user.profile_updated' AND target_type = 'user' AND target_id = ${userId}
          AND jsonb_typeof(before) = 'object' AND jsonb_typeof(after) = 'object'`;

      await tx.user.update({
        where: { id: userId },
        data: {
          email: await freeErasedEmail(tx, userId),
          name: "",
          professionalRole: "erased",
          timezone: null,
          status: "disabled",
          deletedAt: now,
          // The anonymised address was never proven.
          emailVerifiedAt: null,
        },
      });
      await writeAudit(tx, {
        actorId: userId,
        action: "user.erased",
        targetType: "user",
        targetId: userId,
        after: { sessions_revoked: sessionsRevoked, deleted },
        requestId: meta.requestId,
      });
      return { erasedAt: now, sessionsRevoked, deleted };
    },
    { timeout: 60_000 },
  );
}
