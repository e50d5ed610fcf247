/**
 * Unit progress (user_unit_progress), safe on retries and offline replays: a unit is started once
 * (the earliest start is kept), completed once (completing again changes nothing but can raise the
 * best score and the running total of time), and every write refreshes the module, the course's
 * statuses and the enrollment in the same transaction.
 */
import { AppError } from "@sira/contracts";
import { inTransaction, type Transaction, type Tx } from "@sira/infra/db";
import { lockModuleProgress, refreshProgress } from "./refresh.ts";

async function unitModule(tx: Transaction, unitId: string): Promise<string> {
  const unit = await tx.moduleUnit.findUnique({ where: { id: unitId }, select: { moduleId: true } });
  if (!unit) throw new AppError("NOT_FOUND");
  return unit.moduleId;
}

/** Records that the learner opened a unit at `at` (earliest start kept); refreshes the module. */
export async function markUnitStarted(db: Tx, input: { userId: string; unitId: string; at: Date }): Promise<void> {
  await inTransaction(db, async (tx) => {
    const ref = await lockModuleProgress(tx, input.userId, await unitModule(tx, input.unitId));
    await tx.$executeRaw`
      INSERT INTO user_unit_progress AS p (user_id, unit_id, status, started_at, updated_at)
      VALUES (${input.userId}::uuid, ${input.unitId}::uuid, 'in_progress', ${input.at}::timestamptz, now())
      ON CONFLICT (user_id, unit_id) DO UPDATE SET started_at = LEAST(p.started_at, EXCLUDED.started_at),
        updated_at = CASE WHEN EXCLUDED.started_at < p.started_at THEN now() ELSE p.updated_at END`;
    await refreshProgress(tx, input.userId, ref, input.at, { lastUnitId: input.unitId });
  });
}

/**
 * Idempotent: completing twice changes nothing; recomputes the module's completion_pct, unlocks,
 * and the enrollment's completion_pct. `score` (0-100) keeps the best; `timeSpentSeconds` is the
 * learner's running total on the unit (the largest value reported is kept, so replays count once).
 */
export async function markUnitCompleted(
  db: Tx,
  input: { userId: string; unitId: string; at: Date; score?: number; timeSpentSeconds?: number },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const ref = await lockModuleProgress(tx, input.userId, await unitModule(tx, input.unitId));
    await completeUnitRow(tx, input);
    await refreshProgress(tx, input.userId, ref, input.at, { lastUnitId: input.unitId });
  });
}

/** The unit row completed at `at` (first completion kept), best score and largest total time kept. */
export async function completeUnitRow(
  tx: Transaction,
  input: { userId: string; unitId: string; at: Date; score?: number; timeSpentSeconds?: number },
): Promise<void> {
  const score = input.score === undefined ? null : Math.min(100, Math.max(0, input.score));
  const time = Math.max(0, Math.floor(input.timeSpentSeconds ?? 0));
  await tx.$executeRaw`
    INSERT INTO user_unit_progress AS p
      (user_id, unit_id, status, time_spent_seconds, score, started_at, completed_at, updated_at)
    VALUES (${input.userId}::uuid, ${input.unitId}::uuid, 'completed', ${time}, ${score}::float8,
      ${input.at}::timestamptz, ${input.at}::timestamptz, now())
    ON CONFLICT (user_id, unit_id) DO UPDATE SET
      status = 'completed',
      completed_at = COALESCE(p.completed_at, EXCLUDED.completed_at),
      started_at = LEAST(p.started_at, EXCLUDED.started_at),
      time_spent_seconds = GREATEST(p.time_spent_seconds, EXCLUDED.time_spent_seconds),
      score = CASE WHEN EXCLUDED.score IS NULL THEN p.score ELSE GREATEST(COALESCE(p.score, 0), EXCLUDED.score) END,
      updated_at = CASE WHEN p.status = 'completed'
        AND p.time_spent_seconds >= EXCLUDED.time_spent_seconds
        AND (EXCLUDED.score IS NULL OR p.score >= EXCLUDED.score) THEN p.updated_at ELSE now() END`;
}
