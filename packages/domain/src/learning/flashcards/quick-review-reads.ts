/**
 * Quick review's reads as three raw statements (decision 0054, third pass): the learner's time zone,
 * recent review durations and learnable courses (sql.ts) they joined; today's reviews with the
 * earliest-due candidates; the cards shown. Cards count in those courses while the enrollment is
 * live. The course ids travel as a parameter: the access rule planned inside the card joins costs
 * PostgreSQL four times the planning.
 */
import { Prisma, readRows, type Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { LIVE_ENROLLMENT_STATUSES } from "../../access/learner.ts";
import { learnableCoursesSql } from "../../access/sql.ts";
import type { MemoryRow } from "./memory.ts";
import type { CardRow } from "./views.ts";

export interface Reviewer {
  timezone: string | null;
  country: string | null;
  durations: number[];
  courseIds: string[];
}

export interface Today {
  reviews: number;
  knownMs: number | null;
  unknown: number;
  introduced: number;
}

export interface DueRow extends MemoryRow {
  cardId: string;
  total: number;
}

type TodayAndDue = Today & (DueRow | { cardId: null });

/** Flashcards (alias f) in these courses, through the learner's live enrollment (aliases m, e). */
function cardsIn(userId: string, courseIds: string[]): Prisma.Sql {
  return Prisma.sql`flashcards f
    JOIN modules m ON m.id = f.module_id AND m.course_id = ANY(${courseIds}::uuid[])
    JOIN user_course_enrollment e ON e.course_id = m.course_id AND e.user_id = ${userId}::uuid
      AND e.status = ANY(${LIVE_ENROLLMENT_STATUSES})`;
}

/** The learner's time zone and country (null without a row), latest `sample` review durations, and learnable courses joined. */
export async function reviewer(db: Tx, viewer: Viewer, sample: number): Promise<Reviewer> {
  const userId = viewer.userId;
  const [row] = await readRows<Reviewer>(
    db,
    Prisma.sql`
    SELECT u.timezone, u.country, ARRAY(
      SELECT l.duration_ms FROM flashcard_review_logs l
      WHERE l.user_id = ${userId}::uuid AND l.duration_ms IS NOT NULL
      ORDER BY l.reviewed_at DESC LIMIT ${sample}) AS durations,
    ARRAY(SELECT c.id FROM courses c WHERE ${learnableCoursesSql(viewer, "c")}
      AND EXISTS (SELECT 1 FROM user_course_enrollment j WHERE j.course_id = c.id AND j.user_id = ${userId}::uuid))::text[]
      AS "courseIds"
    FROM (SELECT 1) one LEFT JOIN users u ON u.id = ${userId}::uuid`,
  );
  return row as Reviewer;
}

/**
 * The most a review counts against the daily budget: the longest a card is reckoned to take
 * (secondsPerCard's bound). A card left open while the learner did something else is not study time.
 */
const COUNTED_MS_PER_REVIEW = 120_000;

/** Today's flashcard reviews in `timeZone` (how many, their time, new cards), and up to `limit` due cards, earliest first. */
export async function todayAndDue(
  db: Tx,
  userId: string,
  courseIds: string[],
  timeZone: string,
  now: Date,
  limit: number,
): Promise<{ today: Today; due: DueRow[] }> {
  const rows = await readRows<TodayAndDue>(
    db,
    Prisma.sql`
    SELECT t.reviews, t."knownMs", t.unknown, t.introduced, d.*
    FROM (
      SELECT count(*)::int AS reviews, sum(LEAST(duration_ms, ${COUNTED_MS_PER_REVIEW}))::float8 AS "knownMs",
        count(*) FILTER (WHERE duration_ms IS NULL)::int AS unknown,
        count(*) FILTER (WHERE state_before = 'new')::int AS introduced
      FROM flashcard_review_logs
      WHERE user_id = ${userId}::uuid AND source = 'flashcard'
        AND reviewed_at >= (date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone})
        AND reviewed_at <= ${now}) t
    LEFT JOIN LATERAL (
      SELECT r.card_id AS "cardId", r.due, r.stability, r.difficulty, r.elapsed_days AS "elapsedDays",
        r.scheduled_days AS "scheduledDays", r.learning_steps AS "learningSteps", r.reps, r.lapses, r.state,
        r.last_review AS "lastReview", count(*) OVER ()::int AS total
      FROM flashcard_reviews r, ${cardsIn(userId, courseIds)}
      WHERE f.id = r.card_id AND f.is_active AND r.user_id = ${userId}::uuid AND r.due <= ${now} AND r.reps > 0
      ORDER BY r.due, r.card_id
      LIMIT ${limit}) d ON TRUE
    ORDER BY d.due, d."cardId"`,
  );
  const first = rows[0] as TodayAndDue;
  const today = {
    reviews: first.reviews,
    knownMs: first.knownMs,
    unknown: first.unknown,
    introduced: first.introduced,
  };
  return { today, due: rows.filter((r): r is Today & DueRow => r.cardId !== null) };
}

/**
 * The cards `ids` (in no order), then up to `fresh` new cards in course and deck order (`fresh` is
 * their rank): active, never reviewed, in a module the learner has started (a unit or a card).
 */
export async function shownCards(
  db: Tx,
  userId: string,
  courseIds: string[],
  ids: string[],
  fresh: number,
): Promise<(CardRow & { fresh: number | null })[]> {
  if (ids.length === 0 && fresh <= 0) return [];
  const columns = Prisma.sql`f.id, f.module_id AS "moduleId", f.concept_key AS "conceptKey", f.position,
    f.term_fr AS "termFr", f.term_en AS "termEn", f.definition_fr AS "definitionFr", f.definition_en AS "definitionEn",
    f.example_fr AS "exampleFr", f.example_en AS "exampleEn", f.formula, f.sources_cited AS "sourcesCited",
    f.updated_at AS "updatedAt"`;
  const newCards =
    fresh <= 0
      ? Prisma.empty
      : Prisma.sql`UNION ALL SELECT * FROM (
      SELECT ${columns}, row_number() OVER (ORDER BY m.course_id, m.module_number, f.position, f.id)::int AS fresh
      FROM ${cardsIn(userId, courseIds)}
      WHERE f.is_active
        AND (EXISTS (SELECT 1 FROM user_module_progress p
                     WHERE p.user_id = ${userId}::uuid AND p.module_id = f.module_id AND p.started_at IS NOT NULL)
          OR EXISTS (SELECT 1 FROM flashcard_reviews r2 JOIN flashcards f2 ON f2.id = r2.card_id
                     WHERE r2.user_id = ${userId}::uuid AND f2.module_id = f.module_id AND r2.reps > 0))
        AND NOT EXISTS (SELECT 1 FROM flashcard_reviews r WHERE r.user_id = ${userId}::uuid AND r.card_id = f.id AND r.reps > 0)
      ORDER BY m.course_id, m.module_number, f.position, f.id
      LIMIT ${fresh}) n`;
  return readRows<CardRow & { fresh: number | null }>(
    db,
    Prisma.sql`
    SELECT ${columns}, NULL::int AS fresh FROM flashcards f WHERE f.id = ANY(${ids}::uuid[])
    ${newCards}`,
  );
}
