import { describe, expect, it } from "vitest";
import {
  type CatItem,
  type CatResponse,
  difficultyToLogit,
  estimateAbility,
  probabilityCorrect,
  selectNextItem,
  stopReason,
} from "../src/cat.ts";
import { normal, prng } from "./random.ts";

interface SimItem extends CatItem {
  difficulty: number;
  trueB: number;
}

/** 200 items, 40 per difficulty level; the engine knows only the level's logit, the learners answer to `trueB`. */
function makeBank(random: () => number, jitter: number): SimItem[] {
  const bank: SimItem[] = [];
  for (let difficulty = 1; difficulty <= 5; difficulty++) {
    for (let i = 0; i < 40; i++) {
      const b = difficultyToLogit(difficulty);
      bank.push({ id: `d${difficulty}-${i}`, difficulty, b, trueB: b + jitter * normal(random), exposure: 0 });
    }
  }
  return bank;
}

interface Figures {
  correlation: number;
  mae: number;
  rmse: number;
  meanSe: number;
}

function figures(truth: number[], estimates: { theta: number; se: number }[]): Figures {
  const n = truth.length;
  const est = estimates.map((e) => e.theta);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mt = mean(truth);
  const me = mean(est);
  let cov = 0;
  let vt = 0;
  let ve = 0;
  for (let i = 0; i < n; i++) {
    const dt = (truth[i] as number) - mt;
    const de = (est[i] as number) - me;
    cov += dt * de;
    vt += dt * dt;
    ve += de * de;
  }
  return {
    correlation: cov / Math.sqrt(vt * ve),
    mae: mean(truth.map((t, i) => Math.abs(t - (est[i] as number)))),
    rmse: Math.sqrt(mean(truth.map((t, i) => (t - (est[i] as number)) ** 2))),
    meanSe: mean(estimates.map((e) => e.se)),
  };
}

function answer(random: () => number, theta: number, item: SimItem): CatResponse {
  return { b: item.b, correct: random() < probabilityCorrect(theta, item.trueB) };
}

function runCat(bank: SimItem[], theta: number, length: number, random: () => number, seed: number) {
  const administered = new Set<string>();
  const responses: CatResponse[] = [];
  let estimate = estimateAbility(responses);
  while (stopReason(responses.length, length, bank.length - administered.size) === null) {
    const item = selectNextItem(bank, estimate.theta, administered, { seed }) as SimItem;
    administered.add(item.id);
    item.exposure += 1;
    responses.push(answer(random, theta, item));
    estimate = estimateAbility(responses);
  }
  return estimate;
}

/** The same number of items spread evenly over the five levels, easiest first, for every learner. */
function fixedForm(bank: SimItem[], length: number): SimItem[] {
  const perLevel = length / 5;
  return [1, 2, 3, 4, 5].flatMap((d) => bank.filter((item) => item.difficulty === d).slice(0, perLevel));
}

function simulate(jitter: number, seed: number) {
  const random = prng(seed);
  const learners = Array.from({ length: 500 }, () => normal(random));
  const results: Record<number, { cat: Figures; fixed: Figures; exposureMax: number }> = {};
  for (const length of [10, 20]) {
    const bank = makeBank(prng(seed + 1), jitter);
    const form = fixedForm(bank, length);
    const answerRandom = prng(seed + length);
    const cat = learners.map((theta, i) => runCat(bank, theta, length, answerRandom, i));
    const fixed = learners.map((theta) => estimateAbility(form.map((item) => answer(answerRandom, theta, item))));
    results[length] = {
      cat: figures(learners, cat),
      fixed: figures(learners, fixed),
      exposureMax: Math.max(...bank.map((item) => item.exposure)) / learners.length,
    };
  }
  return results;
}

function report(title: string, results: ReturnType<typeof simulate>): void {
  const f = (x: number) => x.toFixed(3);
  const lines = [`\n${title} (500 learners, θ ~ N(0,1), 200 items, 40 per level)`];
  lines.push(
    "length | CAT r / MAE / RMSE / mean SE        | fixed r / MAE / RMSE / mean SE      | 2/√n  | 1/√(1+n/4) | max exposure",
  );
  for (const length of [10, 20]) {
    const { cat, fixed, exposureMax } = results[length] as (typeof results)[number];
    lines.push(
      `${String(length).padStart(6)} | ${f(cat.correlation)} / ${f(cat.mae)} / ${f(cat.rmse)} / ${f(cat.meanSe)}  | ` +
        `${f(fixed.correlation)} / ${f(fixed.mae)} / ${f(fixed.rmse)} / ${f(fixed.meanSe)} | ${f(2 / Math.sqrt(length))} | ` +
        `${f(1 / Math.sqrt(1 + length / 4))}      | ${f(exposureMax)}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

describe("CAT simulation with learners of known ability", () => {
  it("recovers the true ability and beats a fixed form of equal length (item difficulties exactly at their level)", () => {
    const results = simulate(0, 20261127);
    report("Rasch bank, true b = level logit", results);
    for (const length of [10, 20]) {
      const { cat, fixed } = results[length] as (typeof results)[number];
      expect(cat.mae).toBeLessThan(fixed.mae);
      expect(cat.meanSe).toBeLessThan(fixed.meanSe);
      // van Trees: no estimator's mean squared error beats 1/(prior information + n × 0.25).
      const floor = 1 / Math.sqrt(1 + length / 4);
      expect(cat.rmse).toBeGreaterThan(0.95 * floor);
      // Each item adds at most 0.25 information, so the posterior SD cannot fall below the same floor.
      expect(cat.meanSe).toBeGreaterThan(0.95 * floor);
    }
    expect(results[10]?.cat.correlation).toBeGreaterThan(0.8);
    expect(results[20]?.cat.correlation).toBeGreaterThan(0.88);
  });

  it("still beats the fixed form when real item difficulties scatter around their nominal level", () => {
    const results = simulate(0.3, 7);
    report("Realistic bank, true b = level logit + N(0, 0.3)", results);
    for (const length of [10, 20]) {
      const { cat, fixed } = results[length] as (typeof results)[number];
      expect(cat.mae).toBeLessThan(fixed.mae);
    }
    expect(results[20]?.cat.correlation).toBeGreaterThan(0.85);
  });
});
