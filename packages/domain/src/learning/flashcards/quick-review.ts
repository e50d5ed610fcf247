/**
 * Quick review: the 10-20 most urgent cards across the learner's enrolled courses, within a daily
 * budget of 15 minutes estimated from their own review durations (the budget wins over the minimum
 * of 10 when little of it is left). Due cards come from the
 * (user_id, due) index, earliest due first, at most DUE_CANDIDATES of them; FSRS then orders those
 * by retrievability. New cards fill the slots left, at most NEW_CARDS_PER_DAY a day, and only from
 * modules the learner has started (a unit begun or a card already reviewed), so locked modules
 * never leak into review. Only learnable courses count: a withdrawn private grant takes its cards
 * out of review at once.
 */
import { type CardMemory, pickDueCards, secondsPerCard } from "@sira/algorithms";
import type { FlashcardDue } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { type LearnerContext, LIVE_ENROLLMENT_STATUSES, learnableCourses } from "../../access/learner.ts";
import { effectiveTimezone } from "../../users/timezones.ts";
import { type MemoryRow, memoryOfRow } from "./memory.ts";
import { cardSelect, toCardView } from "./views.ts";

export const QUICK_REVIEW_BUDGET_SECONDS = 15 * 60;
export const QUICK_REVIEW_MIN = 10;
export const QUICK_REVIEW_MAX = 20;
export const NEW_CARDS_PER_DAY = 10;
/** How many of the earliest-due cards FSRS ranks; bounds the work for a learner with thousands due. */
export const DUE_CANDIDATES = 400;
const DURATION_SAMPLE = 200;

interface DueRow extends MemoryRow {
  cardId: string;
  total: bigint;
}

interface TodayRow {
  reviews: bigint;
  knownMs: bigint | null;
  unknown: bigint;
  introduced: bigint;
}

async function dueCandidates(
  db: Db,
  userId: string,
  courseIds: string[],
  now: Date,
): Promise<{ rows: DueRow[]; total: number }> {
  const rows = await db.$queryRaw<DueRow[]>`
    SELECT r.card_id AS "cardId", r.due, r.stability, r.difficulty, r.elapsed_days AS "elapsedDays",
      r.scheduled_days AS "scheduledDays", r.learning_steps AS "learningSteps", r.reps, r.lapses, r.state,
      r.last_review AS "lastReview", count(*) OVER () AS total
    FROM flashcard_reviews r
    JOIN flashcards f ON f.id = r.card_id AND f.is_active
    JOIN modules m ON m.id = f.module_id
    JOIN user_course_enrollment e ON e.course_id = m.course_id AND e.user_id = r.user_id AND e.status = ANY(${LIVE_ENROLLMENT_STATUSES})
    WHERE r.user_id = ${userId}::uuid AND r.due <= ${now} AND r.reps > 0 AND m.course_id = ANY(${courseIds}::uuid[])
    ORDER BY r.due, r.card_id
    LIMIT ${DUE_CANDIDATES}`;
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

/** Today's flashcard reviews in the learner's time zone: how many, their time, how many new cards. */
async function today(db: Db, userId: string, timeZone: string, now: Date): Promise<TodayRow> {
  const [row] = await db.$queryRaw<TodayRow[]>`
    SELECT count(*) AS reviews, sum(duration_ms) AS "knownMs", count(*) FILTER (WHERE duration_ms IS NULL) AS unknown,
      count(*) FILTER (WHERE state_before = 'new') AS introduced
    FROM flashcard_review_logs
    WHERE user_id = ${userId}::uuid AND source = 'flashcard'
      AND reviewed_at >= (date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone})
      AND reviewed_at <= ${now}`;
  return row as TodayRow;
}

async function newCards(db: Db, userId: string, courseIds: string[], take: number): Promise<string[]> {
  if (take <= 0) return [];
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT f.id FROM flashcards f
    JOIN modules m ON m.id = f.module_id
    JOIN user_course_enrollment e ON e.course_id = m.course_id AND e.user_id = ${userId}::uuid AND e.status = ANY(${LIVE_ENROLLMENT_STATUSES})
    WHERE f.is_active AND m.course_id = ANY(${courseIds}::uuid[])
      AND (EXISTS (SELECT 1 FROM user_module_progress p
                   WHERE p.user_id = ${userId}::uuid AND p.module_id = f.module_id AND p.started_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM flashcard_reviews r2 JOIN flashcards f2 ON f2.id = r2.card_id
                   WHERE r2.user_id = ${userId}::uuid AND f2.module_id = f.module_id AND r2.reps > 0))
      AND NOT EXISTS (SELECT 1 FROM flashcard_reviews r WHERE r.user_id = ${userId}::uuid AND r.card_id = f.id AND r.reps > 0)
    ORDER BY m.course_id, m.module_number, f.position, f.id
    LIMIT ${take}`;
  return rows.map((r) => r.id);
}

/** The quick-review session for the learner at `now` (see the module comment). */
export async function quickReview(
  db: Db,
  learner: LearnerContext,
  now: Date,
): Promise<Omit<FlashcardDue, "server_time">> {
  const userId = learner.viewer.userId;
  const user = await db.user.findUnique({ where: { id: userId }, select: { timezone: true, country: true } });
  const timeZone = effectiveTimezone({ timezone: user?.timezone ?? null, country: user?.country ?? learner.country });
  // Only the learner's own courses matter: an admin's filter is every course.
  const learnable = await db.course.findMany({
    where: { AND: [learnableCourses(learner.viewer), { enrollments: { some: { userId } } }] },
    select: { id: true },
  });
  const courseIds = learnable.map((c) => c.id);
  const [durations, done, due] = await Promise.all([
    db.flashcardReviewLog.findMany({
      where: { userId, durationMs: { not: null } },
      orderBy: { reviewedAt: "desc" },
      take: DURATION_SAMPLE,
      select: { durationMs: true },
    }),
    today(db, userId, timeZone, now),
    dueCandidates(db, userId, courseIds, now),
  ]);
  const perCard = secondsPerCard(durations.map((d) => d.durationMs ?? 0));
  const spent = Number(done.knownMs ?? 0) / 1000 + Number(done.unknown) * perCard;
  const remaining = Math.max(0, Math.floor(QUICK_REVIEW_BUDGET_SECONDS - spent));
  const newAllowed = Math.max(0, NEW_CARDS_PER_DAY - Number(done.introduced));

  const candidates = due.rows.map((r) => ({ id: r.cardId, memory: memoryOfRow(r) as CardMemory }));
  const options = { secondsPerCard: perCard, min: QUICK_REVIEW_MIN, max: QUICK_REVIEW_MAX, budgetSeconds: remaining };
  const picked = pickDueCards(candidates, now, options);
  // The session size pickDueCards uses: the budget caps it, even below the minimum.
  const slots = Math.min(QUICK_REVIEW_MAX, Math.floor(remaining / Math.max(perCard, 1)));
  const freshIds = await newCards(db, userId, courseIds, Math.min(newAllowed, slots - picked.length));

  const ids = [...picked.map((p) => p.id), ...freshIds];
  const rows = ids.length ? await db.flashcard.findMany({ where: { id: { in: ids } }, select: cardSelect }) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const memories = new Map(picked.map((p) => [p.id, p.memory]));
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toCardView(row, memories.get(id) ?? null, learner.language)] : [];
  });
  return {
    items,
    due_total: due.total,
    new_allowed_today: newAllowed,
    seconds_per_card: perCard,
    remaining_budget_seconds: remaining,
  };
}
