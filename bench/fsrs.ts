/**
 * FSRS optimisation bench (decision 0052): review histories simulated from known FSRS memory models
 * (learners whose true weights differ from the defaults, and one whose memory is the defaults'),
 * scheduled by the product's scheduler (ts-fsrs, default weights). The optimizer fits weights on
 * the oldest 80% of each learner's items; the newest 20% are held out. For each profile and history
 * length it prints the held-out log loss and RMSE (bins) of the fitted weights, of the defaults and
 * of the true weights (the best any fit could do), averaged over seeds, and how often the fit
 * would be kept (lower log loss than the defaults). Figures only, no assertions.
 */
import {
  DEFAULT_FSRS_WEIGHTS,
  evaluateFsrsWeights,
  fitFsrsWeights,
  fsrsItems,
  splitByTime,
} from "../packages/algorithms/src/index.ts";
import { simulateLearner, TRUE_WEIGHTS } from "../packages/algorithms/test/fsrs-simulation.ts";

const PROFILES: Record<string, readonly number[]> = {
  "fast forgetter": TRUE_WEIGHTS.fastForgetter,
  "strong memory": TRUE_WEIGHTS.strongMemory,
  "defaults (control)": DEFAULT_FSRS_WEIGHTS,
};
const SIZES = [
  { cards: 40, days: 60 },
  { cards: 80, days: 120 },
  { cards: 150, days: 120 },
];
const SEEDS = [1, 2, 3, 4, 5];

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const f4 = (x: number) => x.toFixed(4);

process.stdout.write(
  `${pad("profile", 20)}${pad("cards×days", 12)}${pad("reviews", 9)}${pad("held-out", 10)}` +
    `${pad("LL fit", 9)}${pad("LL def", 9)}${pad("LL true", 9)}${pad("RMSE fit", 10)}${pad("RMSE def", 10)}` +
    `${pad("RMSE true", 10)}kept\n`,
);
for (const [name, weights] of Object.entries(PROFILES)) {
  for (const size of SIZES) {
    const sums = { reviews: 0, test: 0, fit: 0, def: 0, truth: 0, rFit: 0, rDef: 0, rTruth: 0, kept: 0, n: 0 };
    for (const seed of SEEDS) {
      const sim = await simulateLearner({
        trueWeights: weights,
        ...size,
        seed,
        start: new Date(Date.UTC(2026, 0, 1)),
      });
      const histories = sim.map((c) => c.reviews);
      const fit = await fitFsrsWeights(histories);
      if (!fit) continue;
      const { test } = splitByTime(fsrsItems(histories));
      const truth = await evaluateFsrsWeights(weights, test);
      sums.n++;
      sums.reviews += fit.reviewCount;
      sums.test += fit.testItems;
      sums.fit += fit.fitted.logLoss;
      sums.def += fit.defaults.logLoss;
      sums.truth += truth.logLoss;
      sums.rFit += fit.fitted.rmseBins;
      sums.rDef += fit.defaults.rmseBins;
      sums.rTruth += truth.rmseBins;
      if (fit.improves) sums.kept++;
    }
    const m = (x: number) => x / Math.max(sums.n, 1);
    process.stdout.write(
      `${pad(name, 20)}${pad(`${size.cards}×${size.days}`, 12)}${pad(Math.round(m(sums.reviews)), 9)}` +
        `${pad(Math.round(m(sums.test)), 10)}${pad(f4(m(sums.fit)), 9)}${pad(f4(m(sums.def)), 9)}` +
        `${pad(f4(m(sums.truth)), 9)}${pad(f4(m(sums.rFit)), 10)}${pad(f4(m(sums.rDef)), 10)}` +
        `${pad(f4(m(sums.rTruth)), 10)}${sums.kept}/${SEEDS.length}\n`,
    );
  }
}
