/**
 * Quick review: the 10-20 most urgent cards across the learner's enrolled courses, within a daily
 * budget of 15 minutes estimated from their own review durations (the budget wins over the minimum
 * of 10 when little of it is left). Due cards come from the
 * (user_id, due) index, earliest due first, at most DUE_CANDIDATES of them; FSRS then orders those
 * by retrievability. New cards fill the slots left, at most NEW_CARDS_PER_DAY a day, and only from
 * modules the learner has started (a unit begun or a card already reviewed), so locked modules
 * never leak into review. Only learnable courses count: a withdrawn private grant takes its cards
 * out of review at once. Three SQL statements (quick-review-reads.ts).
 */
import { type CardMemory, pickDueCards, secondsPerCard } from "@sira/algorithms";
import type { FlashcardDue } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { LearnerContext } from "../../access/learner.ts";
import { effectiveTimezone } from "../../users/timezones.ts";
import { sqlTimeZone } from "../dashboard/sql-zone.ts";
import { memoryOfRow } from "./memory.ts";
import { reviewer, shownCards, todayAndDue } from "./quick-review-reads.ts";
import { toCardView } from "./views.ts";

export const QUICK_REVIEW_BUDGET_SECONDS = 15 * 60;
export const QUICK_REVIEW_MIN = 10;
export const QUICK_REVIEW_MAX = 20;
export const NEW_CARDS_PER_DAY = 10;
/** How many of the earliest-due cards FSRS ranks; bounds the work for a learner with thousands due. */
export const DUE_CANDIDATES = 400;
const DURATION_SAMPLE = 200;

/** The quick-review session for the learner at `now` (see the module comment). */
export async function quickReview(
  db: Db,
  learner: LearnerContext,
  now: Date,
): Promise<Omit<FlashcardDue, "server_time">> {
  const { viewer } = learner;
  const user = await reviewer(db, viewer, DURATION_SAMPLE);
  const timeZone = sqlTimeZone(
    effectiveTimezone({ timezone: user.timezone, country: user.country ?? learner.country }),
  );
  const { today: done, due } = await todayAndDue(db, viewer.userId, user.courseIds, timeZone, now, DUE_CANDIDATES);
  const perCard = secondsPerCard(user.durations);
  const spent = Number(done.knownMs ?? 0) / 1000 + Number(done.unknown) * perCard;
  const remaining = Math.max(0, Math.floor(QUICK_REVIEW_BUDGET_SECONDS - spent));
  const newAllowed = Math.max(0, NEW_CARDS_PER_DAY - Number(done.introduced));

  const candidates = due.map((r) => ({ id: r.cardId, memory: memoryOfRow(r) as CardMemory }));
  const options = { secondsPerCard: perCard, min: QUICK_REVIEW_MIN, max: QUICK_REVIEW_MAX, budgetSeconds: remaining };
  const picked = pickDueCards(candidates, now, options);
  // The session size pickDueCards uses: the budget caps it, even below the minimum.
  const slots = Math.min(QUICK_REVIEW_MAX, Math.floor(remaining / Math.max(perCard, 1)));
  const fresh = Math.min(newAllowed, slots - picked.length);
  const pickedIds = picked.map((p) => p.id);
  const rows = await shownCards(db, viewer.userId, user.courseIds, pickedIds, fresh);
  const byId = new Map(rows.filter((r) => r.fresh === null).map((r) => [r.id, r]));
  const freshRows = rows.filter((r) => r.fresh !== null).sort((a, b) => (a.fresh ?? 0) - (b.fresh ?? 0));
  const items = [
    ...picked.flatMap((p) => {
      const row = byId.get(p.id);
      return row ? [toCardView(row, p.memory, learner.language)] : [];
    }),
    ...freshRows.map((row) => toCardView(row, null, learner.language)),
  ];
  return {
    items,
    due_total: due[0]?.total ?? 0,
    new_allowed_today: newAllowed,
    seconds_per_card: perCard,
    remaining_budget_seconds: remaining,
  };
}
