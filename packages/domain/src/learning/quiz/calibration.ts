/**
 * Item calibration (decision 0051), the scheduled `calibrate-items` job: for each module bank and
 * language where some item has at least `quiz.calibration_min_responses` responses from submitted
 * module quizzes, the difficulties are re-estimated from those responses (algorithms'
 * `calibrateRasch`: marginal maximum likelihood, the calibrated items' mean anchored to their
 * written levels), and each calibrated item gets its fit and, when it misfits, a flag for review.
 * Items below the threshold keep their written level and still inform the abilities. Safe to run
 * twice: the same responses give the same figures.
 */
import {
  type CalibrationResponse,
  calibrateRasch,
  difficultyToLogit,
  misfitReason,
  OUTFIT_FLAG_ABOVE,
} from "@sira/algorithms";
import type { FlaggedQuizItem, FlaggedQuizItemsQuery } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { manageableCourses } from "../../access/readable.ts";
import { getSetting } from "../../admin/settings/index.ts";

/** The most recent submitted attempts of one bank a run reads (bounds its memory and time). */
export const CALIBRATION_MAX_ATTEMPTS = 10_000;

export interface CalibrationReport {
  banks: number;
  items: number;
  flagged: number;
  responses: number;
}

interface BankRow {
  module_id: string;
  language: string;
}

interface ResponseRow {
  attempt_id: string;
  item_id: string;
  correct: boolean;
}

/** Banks (module, language) holding at least one item with `min` responses from submitted module quizzes. */
function banksToCalibrate(db: Db, min: number): Promise<BankRow[]> {
  return db.$queryRaw<BankRow[]>`
    SELECT DISTINCT module_id, language FROM (
      SELECT i.module_id, i.language
        FROM quiz_attempt_responses r
        JOIN quiz_attempts a ON a.id = r.attempt_id
        JOIN quiz_items i ON i.id = r.item_id
       WHERE a.status = 'submitted' AND a.kind IN ('formative', 'summative') AND i.preassessment_id IS NULL
       GROUP BY i.id, i.module_id, i.language
      HAVING count(*) >= ${min}) AS ready
    ORDER BY module_id, language`;
}

function bankResponses(db: Db, bank: BankRow): Promise<ResponseRow[]> {
  return db.$queryRaw<ResponseRow[]>`
    WITH recent AS (
      SELECT id FROM quiz_attempts
       WHERE module_id = ${bank.module_id}::uuid AND language = ${bank.language}
         AND status = 'submitted' AND kind IN ('formative', 'summative')
       ORDER BY submitted_at DESC, id
       LIMIT ${CALIBRATION_MAX_ATTEMPTS})
    SELECT r.attempt_id, r.item_id, r.correct
      FROM quiz_attempt_responses r
      JOIN recent ON recent.id = r.attempt_id
      JOIN quiz_items i ON i.id = r.item_id
     WHERE i.module_id = ${bank.module_id}::uuid AND i.preassessment_id IS NULL
     ORDER BY r.attempt_id, r.position`;
}

/** Calibrates one bank and stores the figures of its calibrated items; returns what it wrote. */
async function calibrateBank(db: Db, bank: BankRow, min: number, now: Date) {
  const rows = await bankResponses(db, bank);
  const ids = [...new Set(rows.map((r) => r.item_id))];
  const items = await db.quizItem.findMany({
    where: { id: { in: ids } },
    select: { id: true, difficulty: true, flaggedAt: true },
  });
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.item_id, (counts.get(r.item_id) ?? 0) + 1);
  const responses: CalibrationResponse[] = rows.map((r) => ({
    person: r.attempt_id,
    item: r.item_id,
    correct: r.correct,
  }));
  const result = calibrateRasch(
    items.map((item) => ({
      id: item.id,
      prior: difficultyToLogit(item.difficulty),
      free: (counts.get(item.id) ?? 0) >= min,
    })),
    responses,
  );
  const byId = new Map(items.map((item) => [item.id, item]));
  const calibrated = result.items.filter((fit) => fit.n >= min);
  let flagged = 0;
  await db.$transaction(
    calibrated.map((fit) => {
      const reason = misfitReason(fit);
      if (reason) flagged += 1;
      const item = byId.get(fit.id);
      const data: Prisma.QuizItemUpdateInput = {
        calibratedB: round4(fit.b),
        calibrationN: fit.n,
        calibratedAt: now,
        outfit: round4(fit.outfit),
        pointBiserial: fit.pointBiserial === null ? null : round4(fit.pointBiserial),
        flaggedAt: reason ? (item?.flaggedAt ?? now) : null,
        flagReason: reason,
      };
      return db.quizItem.update({ where: { id: fit.id }, data });
    }),
  );
  return { items: calibrated.length, flagged, responses: rows.length, converged: result.converged };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The `calibrate-items` job (see the module comment). */
export async function runItemCalibration(
  deps: { db: Db; logger: Logger },
  now = new Date(),
): Promise<CalibrationReport> {
  const min = await getSetting(deps.db, "quiz.calibration_min_responses");
  const banks = await banksToCalibrate(deps.db, min);
  const report: CalibrationReport = { banks: banks.length, items: 0, flagged: 0, responses: 0 };
  for (const bank of banks) {
    const done = await calibrateBank(deps.db, bank, min, now);
    report.items += done.items;
    report.flagged += done.flagged;
    report.responses += done.responses;
    if (!done.converged) deps.logger.warn({ job: "calibrate-items", ...bank }, "calibration did not converge");
  }
  deps.logger.info({ job: "calibrate-items", min_responses: min, ...report }, "items calibrated");
  return report;
}

/**
 * Items whose last calibration flagged them, in the caller's manageable courses (admins: all),
 * newest flag first: for an expert to review (reword, replace or retire the question).
 */
export async function listFlaggedQuizItems(
  db: Db,
  viewer: Viewer,
  query: FlaggedQuizItemsQuery,
): Promise<{ items: FlaggedQuizItem[]; total: number }> {
  const where: Prisma.QuizItemWhereInput = {
    flaggedAt: { not: null },
    ...(query.module_id ? { moduleId: query.module_id } : {}),
    module: { course: manageableCourses(viewer), ...(query.course_id ? { courseId: query.course_id } : {}) },
    ...(query.language ? { language: query.language } : {}),
  };
  const [rows, total] = await Promise.all([
    db.quizItem.findMany({
      where,
      orderBy: [{ flaggedAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * query.limit,
      take: query.limit,
      include: { module: { select: { courseId: true } } },
    }),
    db.quizItem.count({ where }),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      module_id: row.moduleId,
      course_id: row.module.courseId as string,
      language: row.language as FlaggedQuizItem["language"],
      stem: row.stem,
      options: Array.isArray(row.options) ? row.options.map(String) : [],
      correct_option: row.correctOption,
      difficulty: row.difficulty,
      written_b: difficultyToLogit(row.difficulty),
      calibrated_b: row.calibratedB,
      calibration_n: row.calibrationN,
      calibrated_at: row.calibratedAt?.toISOString() ?? null,
      outfit: row.outfit,
      point_biserial: row.pointBiserial,
      outfit_flag_above: OUTFIT_FLAG_ABOVE,
      flagged_at: (row.flaggedAt as Date).toISOString(),
      flag_reason: row.flagReason as string,
      is_active: row.isActive,
    })),
    total,
  };
}
