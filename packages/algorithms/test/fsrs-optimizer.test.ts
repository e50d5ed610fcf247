/**
 * FSRS fitting with the optimizer of the ts-fsrs authors: the items it is given (the shape its
 * native code requires), the split by time, and a fit on histories simulated from a known memory
 * model that predicts the held-out reviews better than the defaults.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_FSRS_WEIGHTS, type Rating } from "../src/fsrs.ts";
import { FSRS_MIN_HOLDOUT_ITEMS, fitFsrsWeights, fsrsItems, splitByTime } from "../src/fsrs-optimizer.ts";
import { simulateLearner, TRUE_WEIGHTS } from "./fsrs-simulation.ts";

const T0 = Date.parse("2026-03-02T08:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms);

describe("fsrsItems", () => {
  it("makes one item per review a day or more after the previous one, same-day steps kept in the history", () => {
    const history = [
      { rating: 3 as Rating, at: at(0) },
      { rating: 1 as Rating, at: at(0.2 * HOUR) },
      { rating: 3 as Rating, at: at(0.4 * HOUR) },
      { rating: 3 as Rating, at: at(DAY) },
      { rating: 3 as Rating, at: at(DAY + HOUR) },
      { rating: 2 as Rating, at: at(4 * DAY) },
    ];
    const items = fsrsItems([[...history].reverse()]);
    expect(items.map((i) => i.reviews.map((r) => [r.rating, r.deltaT]))).toEqual([
      [
        [3, 0],
        [1, 0],
        [3, 0],
        [3, 1],
      ],
      [
        [3, 0],
        [1, 0],
        [3, 0],
        [3, 1],
        [3, 0],
        [2, 3],
      ],
    ]);
  });

  it("drops invalid ratings and gives every item a first review at 0 days and a target at 1 day or more", () => {
    const items = fsrsItems([
      [
        { rating: 3 as Rating, at: at(0) },
        { rating: 7 as Rating, at: at(DAY) },
        { rating: 3 as Rating, at: at(2 * DAY) },
      ],
      [{ rating: 3 as Rating, at: at(0) }],
      [
        { rating: 4 as Rating, at: at(HOUR) },
        { rating: 1 as Rating, at: at(2 * HOUR) },
      ],
    ]);
    expect(items).toHaveLength(1);
    for (const item of items) {
      expect(item.reviews[0]?.deltaT).toBe(0);
      expect(item.reviews.at(-1)?.deltaT).toBeGreaterThanOrEqual(1);
    }
  });

  it("splits the oldest 80% of items for fitting and the newest 20% for evaluation", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ at: 10 - i, reviews: [] }));
    const { train, test } = splitByTime(items);
    expect(train.map((i) => i.at)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(test.map((i) => i.at)).toEqual([9, 10]);
  });
});

describe("fitFsrsWeights", () => {
  it("gives nothing to keep for too short a history", async () => {
    const sim = await simulateLearner({
      trueWeights: TRUE_WEIGHTS.strongMemory,
      cards: 5,
      days: 5,
      seed: 1,
      start: new Date(T0),
    });
    const items = fsrsItems(sim.map((c) => c.reviews));
    expect(splitByTime(items).test.length).toBeLessThan(FSRS_MIN_HOLDOUT_ITEMS);
    expect(await fitFsrsWeights(sim.map((c) => c.reviews))).toBeNull();
  });

  it("fits a learner with a stronger memory than the defaults: lower held-out log loss, higher initial stabilities", async () => {
    const sim = await simulateLearner({
      trueWeights: TRUE_WEIGHTS.strongMemory,
      cards: 150,
      days: 120,
      seed: 7,
      start: new Date(Date.UTC(2026, 0, 1)),
    });
    const fit = await fitFsrsWeights(sim.map((c) => c.reviews));
    expect(fit?.improves).toBe(true);
    expect(fit?.fitted.logLoss).toBeLessThan(fit?.defaults.logLoss as number);
    expect(fit?.weights).toHaveLength(DEFAULT_FSRS_WEIGHTS.length);
    // w0..w3 are the initial stabilities after Again..Easy; the learner's are higher than the defaults.
    expect(fit?.weights[2]).toBeGreaterThan(DEFAULT_FSRS_WEIGHTS[2] as number);
    process.stdout.write(
      `fsrs fit: ${fit?.reviewCount} reviews, ${fit?.trainItems}/${fit?.testItems} items; held-out log loss ` +
        `${fit?.fitted.logLoss.toFixed(4)} vs ${fit?.defaults.logLoss.toFixed(4)}, RMSE(bins) ` +
        `${fit?.fitted.rmseBins.toFixed(4)} vs ${fit?.defaults.rmseBins.toFixed(4)}\n`,
    );
  });
});
