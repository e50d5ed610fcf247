/**
 * What quizzes and pre-assessments change in progress: a submitted summative attempt (the graded
 * test; formative quizzes are practice and change no progress) raises the best score of its quiz unit (or of every quiz unit of the module for a module-level
 * quiz), and a pre-assessment can mark modules as known.
 */
import { AppError } from "@sira/contracts";
import { inTransaction, type Tx } from "@sira/infra/db";
import { lockModuleProgress, refreshProgress } from "./refresh.ts";
import { completeUnitRow } from "./units.ts";

/**
 * After a summative attempt is submitted: the score (0-100) becomes the best of the quiz
 * unit `unitId` (which is marked completed); with `unitId` null (the module's own quiz) it counts
 * for every quiz unit of the module, or, for a module without quiz units, as the module's quiz
 * average directly (best kept). Then unlocks and completion are recomputed. Safe to repeat.
 */
export async function recordModuleQuizResult(
  db: Tx,
  input: { userId: string; moduleId: string; unitId: string | null; score: number; at: Date },
): Promise<void> {
  const score = Math.min(100, Math.max(0, input.score));
  await inTransaction(db, async (tx) => {
    const ref = await lockModuleProgress(tx, input.userId, input.moduleId);
    const units = await tx.moduleUnit.findMany({
      where: input.unitId
        ? { id: input.unitId, moduleId: input.moduleId }
        : { moduleId: input.moduleId, unitType: "quiz" },
      select: { id: true },
    });
    if (input.unitId && units.length === 0) throw new AppError("NOT_FOUND");
    for (const unit of units) {
      await completeUnitRow(tx, { userId: input.userId, unitId: unit.id, at: input.at, score });
    }
    if (units.length === 0) {
      await tx.$executeRaw`
        INSERT INTO user_module_progress AS p (user_id, module_id, status, quiz_score_avg, updated_at)
        VALUES (${input.userId}::uuid, ${input.moduleId}::uuid, 'available', ${score}::float8, now())
        ON CONFLICT (user_id, module_id) DO UPDATE SET
          quiz_score_avg = GREATEST(COALESCE(p.quiz_score_avg, 0), EXCLUDED.quiz_score_avg),
          updated_at = CASE WHEN p.quiz_score_avg >= EXCLUDED.quiz_score_avg THEN p.updated_at ELSE now() END`;
    }
    await refreshProgress(tx, input.userId, ref, input.at, { lastUnitId: units[0]?.id ?? null });
  });
}

/** Marks modules as known from a pre-assessment (tested_out_at, first time kept), which counts as meeting the unlock rule. */
export async function markModulesKnown(
  db: Tx,
  input: { userId: string; moduleIds: string[]; at: Date },
): Promise<void> {
  const ids = [...new Set(input.moduleIds)];
  if (ids.length === 0) return;
  await inTransaction(db, async (tx) => {
    const refs = [];
    // Lock every course involved in a fixed order (no deadlock between two concurrent calls).
    for (const id of [...ids].sort()) refs.push(await lockModuleProgress(tx, input.userId, id));
    await tx.$executeRaw`
      INSERT INTO user_module_progress AS p (user_id, module_id, status, tested_out_at, updated_at)
      SELECT ${input.userId}::uuid, x.id, 'locked', ${input.at}::timestamptz, now()
      FROM unnest(${ids}::uuid[]) AS x(id)
      ON CONFLICT (user_id, module_id) DO UPDATE SET tested_out_at = COALESCE(p.tested_out_at, EXCLUDED.tested_out_at),
        updated_at = CASE WHEN p.tested_out_at IS NULL THEN now() ELSE p.updated_at END`;
    const courses = new Map(refs.map((r) => [r.courseId, r]));
    for (const ref of courses.values()) {
      await refreshProgress(tx, input.userId, ref, input.at, { module: false });
    }
  });
}
