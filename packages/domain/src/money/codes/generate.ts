/**
 * Generating a batch of activation codes (admin): 12 characters from the unambiguous alphabet, the
 * last a check character. Codes are stored only as keyed hashes (HMAC with HASH_PEPPER) with their
 * last four characters as a hint; the plain codes are in the answer once, for printing, and
 * nowhere else (not in the audit log, not in the idempotency store).
 */
import { randomUUID } from "node:crypto";
import { type ActivationCodeBatchInput, AppError, type GeneratedActivationCodes } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { writeAudit } from "../../audit.ts";
import { pepperedHash } from "../../auth/crypto.ts";
import type { AuditMeta } from "../../request-meta.ts";
import { generateCheckedCode, groupCode } from "../check-code.ts";
import { planTerms } from "../subscriptions.ts";
import { readBatch } from "./batches.ts";

/** Length of an activation code, check character included. */
export const ACTIVATION_CODE_LENGTH = 12;
/** How many trailing characters admin lists and support may show. */
export const CODE_HINT_LENGTH = 4;

/** The stored form of a normalised code: keyed, so a leaked table alone cannot test guesses. */
export function activationCodeHash(pepper: Buffer, code: string): string {
  return pepperedHash(pepper, `activation-code:${code}`);
}

export const codeHint = (code: string): string => code.slice(-CODE_HINT_LENGTH);

/** `count` distinct fresh codes. */
function drawCodes(count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateCheckedCode(ACTIVATION_CODE_LENGTH));
  return [...codes];
}

/** What each code of the batch grants, checked against the plan, course or curriculum it names. */
async function batchTarget(db: Db, input: ActivationCodeBatchInput) {
  switch (input.kind) {
    case "credits":
      return { credits: input.credits ?? null };
    case "subscription": {
      const plan = await planTerms(db, input.plan ?? "");
      // The table requires a duration on plan codes: the plan's unless the batch sets its own.
      return {
        plan: plan.slug,
        durationDays: input.duration_days ?? plan.durationDays,
        dailyMessageLimit: input.daily_message_limit ?? null,
      };
    }
    case "course": {
      const course = await db.course.findUnique({ where: { id: input.course_id ?? "" }, select: { id: true } });
      if (!course) throw new AppError("NOT_FOUND");
      return { courseId: course.id };
    }
    case "curriculum": {
      const curriculum = await db.curriculum.findUnique({
        where: { id: input.curriculum_id ?? "" },
        select: { id: true },
      });
      if (!curriculum) throw new AppError("NOT_FOUND");
      return { curriculumId: curriculum.id };
    }
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/**
 * Creates the batch's codes in one transaction and audits it (kind, count, value, label: never a
 * code or a hint). NOT_FOUND for an unknown plan, course or curriculum; VALIDATION_FAILED for an
 * expiry already past.
 */
export async function generateActivationCodes(
  deps: { db: Db; pepper: Buffer },
  input: ActivationCodeBatchInput,
  meta: AuditMeta & { actorId: string },
): Promise<GeneratedActivationCodes> {
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= meta.now.getTime()) {
    throw new AppError("VALIDATION_FAILED", {
      fieldErrors: [{ field: "expires_at", code: "too_small", message: "must be in the future" }],
    });
  }
  const target = await batchTarget(deps.db, input);
  for (let attempt = 0; ; attempt++) {
    const batchId = randomUUID();
    const codes = drawCodes(input.count);
    try {
      await deps.db.$transaction(
        async (tx) => {
          await tx.activationCode.createMany({
            data: codes.map((code) => ({
              codeHash: activationCodeHash(deps.pepper, code),
              codeHint: codeHint(code),
              kind: input.kind,
              ...target,
              maxRedemptions: input.max_redemptions,
              expiresAt,
              batchLabel: input.label,
              batchId,
              createdById: meta.actorId,
              createdAt: meta.now,
            })),
          });
          await writeAudit(tx, {
            actorId: meta.actorId,
            action: "activation_code_batch.created",
            targetType: "activation_code_batch",
            targetId: batchId,
            after: {
              kind: input.kind,
              count: input.count,
              label: input.label,
              max_redemptions: input.max_redemptions,
              expires_at: expiresAt?.toISOString() ?? null,
              ...target,
            },
            requestId: meta.requestId,
            ip: meta.ip,
          });
        },
        { maxWait: 10_000, timeout: 60_000 },
      );
      const batch = await readBatch(deps.db, batchId);
      return { ...batch, codes: codes.map((code) => ({ code: groupCode(code), hint: codeHint(code) })) };
    } catch (error) {
      // A code already issued (29¹¹ bodies): draw the whole batch again.
      if (attempt >= 2 || !isUniqueViolation(error)) throw error;
    }
  }
}
