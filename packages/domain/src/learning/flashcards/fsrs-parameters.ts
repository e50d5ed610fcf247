/**
 * FSRS optimisation (decision 0052), the scheduled `fit-fsrs-parameters` job, and the weights a
 * review is scheduled with. A learner with at least `flashcards.fsrs_min_reviews_learner` logged
 * reviews gets weights fitted on their own history; a course whose learners' pooled reviews reach
 * `flashcards.fsrs_min_reviews_course` gets cohort weights. A fitted set is stored only when it
 * predicts the held-out reviews (the newest 20% by time) with a lower log loss than the default
 * weights; otherwise any set of that scope is removed. A review uses the learner's set, else the
 * set of the card's course, else the defaults. Safe to run twice: the same logs give the same sets.
 */
import { type CardHistory, type FsrsFit, type FsrsWeights, fitFsrsWeights, type Rating } from "@sira/algorithms";
import type { Logger } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import { getSetting } from "../../admin/settings/index.ts";

/** The most recent reviews one fit reads (whole card histories, newest first): bounds a run's memory. */
export const FSRS_FIT_MAX_REVIEWS = 100_000;
/** Scopes fitted per run and kind (learners, courses), the longest unfitted first. */
export const FSRS_FIT_MAX_SCOPES = 500;

export type FsrsScope = { scope: "user"; userId: string } | { scope: "course"; courseId: string };

export interface FsrsFitReport {
  learners: number;
  courses: number;
  kept: number;
  removed: number;
  /** Scopes with enough reviews whose fit did not beat the defaults (or could not be compared). */
  notKept: number;
}

interface LogRow {
  owner: string;
  card_id: string;
  rating: number;
  reviewed_at: Date;
}

/** Card histories from log rows ordered by owner, card, time. */
function histories(rows: readonly LogRow[]): CardHistory[] {
  const byKey = new Map<string, { rating: Rating; at: Date }[]>();
  for (const row of rows) {
    const key = `${row.owner}:${row.card_id}`;
    let list = byKey.get(key);
    if (!list) {
      list = [];
      byKey.set(key, list);
    }
    list.push({ rating: row.rating as Rating, at: row.reviewed_at });
  }
  return [...byKey.values()];
}

/** A learner's reviews: whole card histories, the most recently reviewed cards first, up to the cap. */
function learnerLogs(db: Db, userId: string): Promise<LogRow[]> {
  return db.$queryRaw<LogRow[]>`
    WITH cards AS (
      SELECT card_id, count(*) AS n, max(reviewed_at) AS last FROM flashcard_review_logs
       WHERE user_id = ${userId}::uuid GROUP BY card_id),
    kept AS (
      SELECT card_id FROM (
        SELECT card_id, sum(n) OVER (ORDER BY last DESC, card_id) AS running FROM cards) c
       WHERE running <= ${FSRS_FIT_MAX_REVIEWS})
    SELECT l.user_id::text AS owner, l.card_id::text AS card_id, l.rating, l.reviewed_at
      FROM flashcard_review_logs l JOIN kept USING (card_id)
     WHERE l.user_id = ${userId}::uuid
     ORDER BY l.card_id, l.reviewed_at, l.created_at, l.id`;
}

/** A course's pooled reviews (every learner, every card of its modules), most recent histories first, capped. */
function courseLogs(db: Db, courseId: string): Promise<LogRow[]> {
  return db.$queryRaw<LogRow[]>`
    WITH histories AS (
      SELECT l.user_id, l.card_id, count(*) AS n, max(l.reviewed_at) AS last
        FROM flashcard_review_logs l
        JOIN flashcards f ON f.id = l.card_id
        JOIN modules m ON m.id = f.module_id
       WHERE m.course_id = ${courseId}::uuid
       GROUP BY l.user_id, l.card_id),
    kept AS (
      SELECT user_id, card_id FROM (
        SELECT user_id, card_id, sum(n) OVER (ORDER BY last DESC, user_id, card_id) AS running FROM histories) h
       WHERE running <= ${FSRS_FIT_MAX_REVIEWS})
    SELECT l.user_id::text AS owner, l.card_id::text AS card_id, l.rating, l.reviewed_at
      FROM flashcard_review_logs l JOIN kept USING (user_id, card_id)
     ORDER BY l.user_id, l.card_id, l.reviewed_at, l.created_at, l.id`;
}

interface Candidate {
  id: string;
  reviews: number;
}

/** Learners with at least `min` logged reviews whose stored set (if any) was fitted on fewer. */
function learnersToFit(db: Db, min: number): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    SELECT l.user_id::text AS id, count(*)::int AS reviews
      FROM flashcard_review_logs l
      LEFT JOIN fsrs_parameter_sets s ON s.scope = 'user' AND s.user_id = l.user_id
     GROUP BY l.user_id, s.review_count, s.fitted_at
    HAVING count(*) >= ${min} AND (s.review_count IS NULL OR s.review_count <> count(*))
     ORDER BY s.fitted_at NULLS FIRST, l.user_id
     LIMIT ${FSRS_FIT_MAX_SCOPES}`;
}

/** Courses whose learners' pooled reviews reach `min`, same rule. */
function coursesToFit(db: Db, min: number): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    SELECT m.course_id::text AS id, count(*)::int AS reviews
      FROM flashcard_review_logs l
      JOIN flashcards f ON f.id = l.card_id
      JOIN modules m ON m.id = f.module_id
      LEFT JOIN fsrs_parameter_sets s ON s.scope = 'course' AND s.course_id = m.course_id
     WHERE m.course_id IS NOT NULL
     GROUP BY m.course_id, s.review_count, s.fitted_at
    HAVING count(*) >= ${min} AND (s.review_count IS NULL OR s.review_count <> count(*))
     ORDER BY s.fitted_at NULLS FIRST, m.course_id
     LIMIT ${FSRS_FIT_MAX_SCOPES}`;
}

function scopeWhere(scope: FsrsScope) {
  return scope.scope === "user"
    ? { scope: "user", userId: scope.userId, courseId: null }
    : { scope: "course", userId: null, courseId: scope.courseId };
}

/** Stores a fit that beats the defaults as the scope's set; removes the scope's set otherwise. */
export async function storeFsrsFit(
  db: Db,
  scope: FsrsScope,
  fit: FsrsFit | null,
  reviewCount: number,
  now: Date,
): Promise<"kept" | "removed"> {
  const where = scopeWhere(scope);
  if (!fit?.improves) {
    await db.fsrsParameterSet.deleteMany({ where });
    return "removed";
  }
  const data = {
    weights: fit.weights,
    reviewCount,
    logLoss: fit.fitted.logLoss,
    defaultLogLoss: fit.defaults.logLoss,
    fittedAt: now,
  };
  await db.$transaction(async (tx) => {
    await tx.fsrsParameterSet.deleteMany({ where });
    await tx.fsrsParameterSet.create({ data: { ...where, ...data } });
  });
  return "kept";
}

/** Fits one scope from its logs and stores or removes its set. */
async function fitScope(deps: { db: Db; logger: Logger }, scope: FsrsScope, reviews: number, now: Date) {
  const rows =
    scope.scope === "user" ? await learnerLogs(deps.db, scope.userId) : await courseLogs(deps.db, scope.courseId);
  const fit = await fitFsrsWeights(histories(rows));
  const outcome = await storeFsrsFit(deps.db, scope, fit, reviews, now);
  deps.logger.info(
    {
      job: "fit-fsrs-parameters",
      ...scope,
      reviews,
      held_out: fit?.testItems ?? 0,
      log_loss: fit?.fitted.logLoss ?? null,
      default_log_loss: fit?.defaults.logLoss ?? null,
      outcome,
    },
    "fsrs parameters fitted",
  );
  return fit?.improves === true;
}

/** The scheduled job: learners over their threshold, then course cohorts over theirs. */
export async function runFsrsOptimisation(deps: { db: Db; logger: Logger }, now = new Date()): Promise<FsrsFitReport> {
  const minLearner = await getSetting(deps.db, "flashcards.fsrs_min_reviews_learner");
  const minCourse = await getSetting(deps.db, "flashcards.fsrs_min_reviews_course");
  const report: FsrsFitReport = { learners: 0, courses: 0, kept: 0, removed: 0, notKept: 0 };
  const learners = await learnersToFit(deps.db, minLearner);
  const courses = await coursesToFit(deps.db, minCourse);
  const scopes: { scope: FsrsScope; reviews: number }[] = [
    ...learners.map((l) => ({ scope: { scope: "user", userId: l.id } as FsrsScope, reviews: l.reviews })),
    ...courses.map((c) => ({ scope: { scope: "course", courseId: c.id } as FsrsScope, reviews: c.reviews })),
  ];
  for (const { scope, reviews } of scopes) {
    if (scope.scope === "user") report.learners++;
    else report.courses++;
    const had = await deps.db.fsrsParameterSet.count({ where: scopeWhere(scope) });
    const kept = await fitScope(deps, scope, reviews, now);
    if (kept) report.kept++;
    else {
      report.notKept++;
      if (had > 0) report.removed++;
    }
  }
  deps.logger.info(
    { job: "fit-fsrs-parameters", min_reviews_learner: minLearner, min_reviews_course: minCourse, ...report },
    "fsrs parameters fitted",
  );
  return report;
}

/** The weights a learner's review of this card is scheduled with: theirs, else their course's, else null (defaults). */
export async function fsrsWeightsFor(db: Tx, userId: string, cardId: string): Promise<FsrsWeights | null> {
  const rows = await db.$queryRaw<{ weights: unknown }[]>`
    SELECT s.weights FROM fsrs_parameter_sets s
     WHERE (s.scope = 'user' AND s.user_id = ${userId}::uuid)
        OR (s.scope = 'course' AND s.course_id = (
              SELECT m.course_id FROM flashcards f JOIN modules m ON m.id = f.module_id WHERE f.id = ${cardId}::uuid))
     ORDER BY (s.scope = 'user') DESC
     LIMIT 1`;
  const weights = rows[0]?.weights;
  return Array.isArray(weights) && weights.every((w) => typeof w === "number" && Number.isFinite(w))
    ? (weights as number[])
    : null;
}
