/**
 * Activation-code batches as admins see them: one row per batch with its counts, newest first,
 * and revoking a batch as a whole (codes of a revoked batch are refused from then on; what was
 * redeemed before stays).
 */
import { type ActivationCodeBatch, AppError } from "@sira/contracts";
import { type Db, Prisma, type Tx } from "@sira/infra/db";
import { writeAudit } from "../../audit.ts";
import type { AuditMeta } from "../../request-meta.ts";

type BatchRow = {
  batch_id: string;
  label: string | null;
  kind: ActivationCodeBatch["kind"];
  credits: number | null;
  plan: string | null;
  duration_days: number | null;
  daily_message_limit: number | null;
  course_id: string | null;
  curriculum_id: string | null;
  count: number;
  max_redemptions: number;
  redeemed: number;
  codes_used: number;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
  created_by: string | null;
};

/** Every code of a batch shares its terms: the batch reads them from any one of its codes. */
const BATCH_SELECT = Prisma.sql`
  SELECT batch_id, min(batch_label) AS label, min(kind) AS kind, min(credits) AS credits, min(plan) AS plan,
    min(duration_days) AS duration_days, min(daily_message_limit) AS daily_message_limit,
    (array_agg(course_id))[1] AS course_id, (array_agg(curriculum_id))[1] AS curriculum_id,
    count(*)::int AS count, min(max_redemptions) AS max_redemptions,
    coalesce(sum(redeemed_count), 0)::int AS redeemed,
    (count(*) FILTER (WHERE redeemed_count > 0))::int AS codes_used,
    min(expires_at) AS expires_at, min(revoked_at) AS revoked_at, min(created_at) AS created_at,
    (array_agg(created_by))[1] AS created_by
  FROM activation_codes`;

function toBatch(row: BatchRow): ActivationCodeBatch {
  return {
    ...row,
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** One batch with its counts; NOT_FOUND when no code carries this batch id. */
export async function readBatch(db: Db | Tx, batchId: string): Promise<ActivationCodeBatch> {
  const [row] = await db.$queryRaw<BatchRow[]>`${BATCH_SELECT} WHERE batch_id = ${batchId}::uuid GROUP BY batch_id`;
  if (!row) throw new AppError("NOT_FOUND");
  return toBatch(row);
}

/** Batches, newest first, with how many codes and redemptions each holds. */
export async function listActivationCodeBatches(
  db: Db,
  input: { page: number; limit: number },
): Promise<{ items: ActivationCodeBatch[]; total: number }> {
  const [rows, [counted]] = await Promise.all([
    db.$queryRaw<BatchRow[]>`${BATCH_SELECT} WHERE batch_id IS NOT NULL GROUP BY batch_id
      ORDER BY min(created_at) DESC, batch_id LIMIT ${input.limit} OFFSET ${(input.page - 1) * input.limit}`,
    db.$queryRaw<{ total: number }[]>`
      SELECT count(DISTINCT batch_id)::int AS total FROM activation_codes WHERE batch_id IS NOT NULL`,
  ]);
  return { items: rows.map(toBatch), total: counted?.total ?? 0 };
}

/**
 * Revokes every code of the batch not revoked yet (idempotent: a second revoke keeps the first
 * date) and audits it. Redemptions from then on are refused like an unknown code.
 */
export async function revokeActivationCodeBatch(
  db: Db,
  batchId: string,
  meta: AuditMeta & { actorId: string },
): Promise<ActivationCodeBatch> {
  return db.$transaction(async (tx) => {
    const before = await readBatch(tx, batchId);
    const { count } = await tx.activationCode.updateMany({
      where: { batchId, revokedAt: null },
      data: { revokedAt: meta.now },
    });
    if (count > 0) {
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "activation_code_batch.revoked",
        targetType: "activation_code_batch",
        targetId: batchId,
        before: { revoked_at: before.revoked_at },
        after: { revoked_at: meta.now.toISOString(), codes_revoked: count },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    }
    return readBatch(tx, batchId);
  });
}
