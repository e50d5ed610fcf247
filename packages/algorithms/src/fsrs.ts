/**
 * A thin wrapper over ts-fsrs: plain CardMemory values in, plain values out. The scheduler itself
 * is never reimplemented here. Fuzz is off so a review history always replays to the same memory.
 */
import { type Card, createEmptyCard, type FSRSParameters, fsrs, generatorParameters, State } from "ts-fsrs";

/** 1 again, 2 hard, 3 good, 4 easy. */
export type Rating = 1 | 2 | 3 | 4;
export type CardStateName = "new" | "learning" | "review" | "relearning";

export interface CardMemory {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: CardStateName;
  lastReview: Date | null;
}

/** ts-fsrs defaults (FSRS-6 weights, retention 0.9, learning steps 1m/10m, relearning 10m) without fuzz. */
export const FSRS_PARAMETERS: Readonly<FSRSParameters> = Object.freeze(generatorParameters({ enable_fuzz: false }));

/** The FSRS weights (w0..w20) a scheduler runs with; absent means ts-fsrs's defaults. */
export type FsrsWeights = readonly number[];

/** The default weights (ts-fsrs's FSRS-6 defaults). */
export const DEFAULT_FSRS_WEIGHTS: FsrsWeights = Object.freeze([...FSRS_PARAMETERS.w]);

const scheduler = fsrs(FSRS_PARAMETERS);
const fitted = new Map<string, ReturnType<typeof fsrs>>();
const MAX_CACHED_SCHEDULERS = 1000;

/** The scheduler for these weights (the defaults' when absent); one instance per weight set, cached. */
function schedulerFor(weights?: FsrsWeights | null) {
  if (!weights) return scheduler;
  const key = weights.join(",");
  let found = fitted.get(key);
  if (!found) {
    if (fitted.size >= MAX_CACHED_SCHEDULERS) fitted.clear();
    found = fsrs(generatorParameters({ enable_fuzz: false, w: [...weights] }));
    fitted.set(key, found);
  }
  return found;
}

const STATE_NAMES: Record<State, CardStateName> = {
  [State.New]: "new",
  [State.Learning]: "learning",
  [State.Review]: "review",
  [State.Relearning]: "relearning",
};
const STATES: Record<CardStateName, State> = {
  new: State.New,
  learning: State.Learning,
  review: State.Review,
  relearning: State.Relearning,
};

function toCard(memory: CardMemory): Card {
  const card: Card = {
    due: memory.due,
    stability: memory.stability,
    difficulty: memory.difficulty,
    elapsed_days: memory.elapsedDays,
    scheduled_days: memory.scheduledDays,
    learning_steps: memory.learningSteps,
    reps: memory.reps,
    lapses: memory.lapses,
    state: STATES[memory.state],
  };
  if (memory.lastReview) card.last_review = memory.lastReview;
  return card;
}

function fromCard(card: Card): CardMemory {
  return {
    due: card.due,
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: STATE_NAMES[card.state],
    lastReview: card.last_review ?? null,
  };
}

/** The memory of a card never reviewed, due at `now`. */
export function newCardMemory(now: Date): CardMemory {
  return fromCard(createEmptyCard(now));
}

/** One review at `at` with ts-fsrs's own scheduler (with fitted `weights` when given, else the defaults). */
export function applyReview(
  memory: CardMemory,
  rating: Rating,
  at: Date,
  weights?: FsrsWeights | null,
): { memory: CardMemory; stateBefore: CardStateName } {
  const { card } = schedulerFor(weights).next(toCard(memory), at, rating);
  return { memory: fromCard(card), stateBefore: memory.state };
}

/** The memory after these reviews applied in time order (ties keep input order). */
export function replayReviews(
  createdAt: Date,
  reviews: readonly { rating: Rating; at: Date }[],
  weights?: FsrsWeights | null,
): CardMemory {
  const ordered = reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) => a.review.at.getTime() - b.review.at.getTime() || a.index - b.index);
  let memory = newCardMemory(createdAt);
  for (const { review } of ordered) memory = applyReview(memory, review.rating, review.at, weights).memory;
  return memory;
}

/** Probability of recall now, by ts-fsrs's forgetting curve (0 for a card never reviewed). */
export function retrievability(memory: CardMemory, now: Date): number {
  return scheduler.get_retrievability(toCard(memory), now, false);
}

export interface DueCandidate {
  id: string;
  memory: CardMemory;
}

/**
 * Quick review: the most urgent due cards (lowest retrievability first, then earliest due), at least `min` (10) when that many are due, at most `max` (20), within `budgetSeconds` (900) at `secondsPerCard` each.
 * The budget is the daily cap and wins over `min`: a slow reviewer or a partly spent day gets only what fits (none once spent).
 */
export function pickDueCards<T extends DueCandidate>(
  cards: readonly T[],
  now: Date,
  options: { secondsPerCard: number; min?: number; max?: number; budgetSeconds?: number },
): T[] {
  const min = options.min ?? 10;
  const max = Math.max(options.max ?? 20, min);
  const budgetSeconds = options.budgetSeconds ?? 900;
  const perCard = Math.max(options.secondsPerCard, 1);
  const count = Math.min(max, Math.floor(Math.max(budgetSeconds, 0) / perCard));
  if (count <= 0) return [];
  const nowMs = now.getTime();
  const due = cards
    .filter((card) => card.memory.due.getTime() <= nowMs)
    .map((card, index) => ({ card, index, r: retrievability(card.memory, now), dueMs: card.memory.due.getTime() }));
  due.sort((a, b) => a.r - b.r || a.dueMs - b.dueMs || a.index - b.index);
  return due.slice(0, count).map((entry) => entry.card);
}

const DEFAULT_SECONDS_PER_CARD = 20;
const MIN_SECONDS_PER_CARD = 4;
const MAX_SECONDS_PER_CARD = 120;

/** Seconds per review from recorded durations (median, clamped 4..120), default 20 with no history. */
export function secondsPerCard(durationsMs: readonly number[]): number {
  const valid = durationsMs.filter((ms) => Number.isFinite(ms) && ms > 0).sort((a, b) => a - b);
  if (valid.length === 0) return DEFAULT_SECONDS_PER_CARD;
  const middle = Math.floor(valid.length / 2);
  const medianMs =
    valid.length % 2 === 1
      ? (valid[middle] as number)
      : ((valid[middle - 1] as number) + (valid[middle] as number)) / 2;
  return Math.min(MAX_SECONDS_PER_CARD, Math.max(MIN_SECONDS_PER_CARD, medianMs / 1000));
}
