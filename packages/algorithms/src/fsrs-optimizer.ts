/**
 * FSRS parameter fitting (decision 0052) with the optimizer of the ts-fsrs authors
 * (@open-spaced-repetition/binding, fsrs-rs compiled for Node). Review histories become the
 * optimizer's items: one per review made a day or more after the previous one (the recall the
 * forgetting curve predicts), carrying the card's earlier reviews, same-day steps included. The
 * items are split by time: the oldest 80% fit the weights, the newest 20% are held out, and the
 * fitted and default weights are both scored there (log loss, RMSE over the optimizer's bins).
 *
 * The binding is loaded on first use (a native module: nothing loads it at import time). Its
 * inputs are checked here, because a malformed item makes the native code abort the process
 * rather than throw.
 */
import { DEFAULT_FSRS_WEIGHTS, type FsrsWeights, type Rating } from "./fsrs.ts";

export interface ReviewEvent {
  rating: Rating;
  at: Date;
}

/** One card's reviews by one learner (any order; sorted by time here). */
export type CardHistory = readonly ReviewEvent[];

/** An optimizer item: the card's reviews up to and including the target one, days between them. */
export interface FsrsItem {
  /** When the target (last) review happened: the split is by this time. */
  at: number;
  reviews: { rating: Rating; deltaT: number }[];
}

/** The newest share of items held out to compare fitted and default weights. */
export const FSRS_HOLDOUT_SHARE = 0.2;
/** Fewer held-out items than this and no comparison is made (nothing is kept). */
export const FSRS_MIN_HOLDOUT_ITEMS = 20;

const DAY_MS = 86_400_000;

/** Days since the epoch of the UTC calendar day, as ts-fsrs counts elapsed days. */
function utcDay(at: Date): number {
  return Math.floor(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()) / DAY_MS);
}

function validRating(rating: number): rating is Rating {
  return rating === 1 || rating === 2 || rating === 3 || rating === 4;
}

/**
 * The optimizer's items for these histories, oldest target first: for each review at least one
 * calendar day after the card's previous review, the history up to it. Reviews with an invalid
 * rating or time are dropped. Every item has a first review at Δt 0 and a target at Δt ≥ 1, the
 * shape the native optimizer requires.
 */
export function fsrsItems(histories: readonly CardHistory[]): FsrsItem[] {
  const items: FsrsItem[] = [];
  for (const history of histories) {
    const reviews = history
      .filter((r) => validRating(r.rating) && Number.isFinite(r.at.getTime()))
      .map((r, index) => ({ r, index }))
      .sort((a, b) => a.r.at.getTime() - b.r.at.getTime() || a.index - b.index)
      .map(({ r }) => r);
    const steps: { rating: Rating; deltaT: number }[] = [];
    let previousDay: number | null = null;
    for (const review of reviews) {
      const day = utcDay(review.at);
      const deltaT = previousDay === null ? 0 : Math.max(0, day - previousDay);
      previousDay = day;
      steps.push({ rating: review.rating, deltaT });
      if (steps.length > 1 && deltaT >= 1) items.push({ at: review.at.getTime(), reviews: steps.slice() });
    }
  }
  return items.sort((a, b) => a.at - b.at);
}

/** The oldest (1 − share) of the items to fit on, the newest share to evaluate on. */
export function splitByTime(items: readonly FsrsItem[], share = FSRS_HOLDOUT_SHARE) {
  const sorted = [...items].sort((a, b) => a.at - b.at);
  const cut = Math.floor(sorted.length * (1 - share));
  return { train: sorted.slice(0, cut), test: sorted.slice(cut) };
}

export interface FsrsEvaluation {
  logLoss: number;
  rmseBins: number;
}

export interface FsrsFit {
  weights: number[];
  /** Reviews read (all of them, same-day steps included). */
  reviewCount: number;
  trainItems: number;
  testItems: number;
  fitted: FsrsEvaluation;
  defaults: FsrsEvaluation;
  /** The fitted weights predict the held-out reviews better than the defaults (lower log loss). */
  improves: boolean;
}

type Binding = typeof import("@open-spaced-repetition/binding");
let binding: Promise<Binding> | null = null;
function loadBinding(): Promise<Binding> {
  binding ??= import("@open-spaced-repetition/binding");
  return binding;
}

function toBindingItems(b: Binding, items: readonly FsrsItem[]) {
  return items.map(
    (item) => new b.FSRSBindingItem(item.reviews.map((r) => new b.FSRSBindingReview(r.rating, r.deltaT))),
  );
}

/** Log loss and RMSE (bins) of these weights on the items (the optimizer's own evaluation). */
export async function evaluateFsrsWeights(
  weights: FsrsWeights | null,
  items: readonly FsrsItem[],
): Promise<FsrsEvaluation> {
  const b = await loadBinding();
  const model = new b.FSRSBinding(weights ? [...weights] : [...DEFAULT_FSRS_WEIGHTS]);
  const { logLoss, rmseBins } = model.evaluate(toBindingItems(b, items));
  return { logLoss, rmseBins };
}

/**
 * Fits FSRS weights to the histories (oldest 80% of items) and scores them against the default
 * weights on the newest 20%. Null when there is too little to fit or to compare (fewer than
 * FSRS_MIN_HOLDOUT_ITEMS held-out items) or when the optimizer gives no usable weights.
 */
export async function fitFsrsWeights(
  histories: readonly CardHistory[],
  options: { holdoutShare?: number; minHoldoutItems?: number } = {},
): Promise<FsrsFit | null> {
  const items = fsrsItems(histories);
  const { train, test } = splitByTime(items, options.holdoutShare ?? FSRS_HOLDOUT_SHARE);
  if (test.length < (options.minHoldoutItems ?? FSRS_MIN_HOLDOUT_ITEMS) || train.length === 0) return null;
  const b = await loadBinding();
  let weights: number[];
  try {
    weights = await b.computeParameters(toBindingItems(b, train), { enableShortTerm: true });
  } catch {
    return null;
  }
  if (weights.length !== DEFAULT_FSRS_WEIGHTS.length || !weights.every(Number.isFinite)) return null;
  let fitted: FsrsEvaluation;
  let defaults: FsrsEvaluation;
  try {
    fitted = await evaluateFsrsWeights(weights, test);
    defaults = await evaluateFsrsWeights(null, test);
  } catch {
    return null;
  }
  return {
    weights,
    reviewCount: histories.reduce((n, h) => n + h.length, 0),
    trainItems: train.length,
    testItems: test.length,
    fitted,
    defaults,
    improves: fitted.logLoss < defaults.logLoss,
  };
}
