/**
 * Item calibration recovers known difficulties from adaptive-test responses simulated on them, and
 * flags a negatively discriminating item. Seeded: the same responses every run. The tables are
 * printed and copied into decision 0051.
 */
import { describe, expect, it } from "vitest";
import { type CalibrationResponse, calibrateRasch, itemLogit, misfitReason } from "../src/calibration.ts";
import { type CatItem, difficultyToLogit, estimateAbility, probabilityCorrect, selectNextItem } from "../src/cat.ts";
import { normal, prng } from "./random.ts";

interface SimItem extends CatItem {
  difficulty: number;
  trueB: number;
  /** 1 for a Rasch item; -1 for an item that better learners get wrong more often. */
  slope: number;
}

/** 30 items, 6 per written level 1-5 (the generated bank); the truth is the level's logit + N(0, jitter). */
function makeBank(random: () => number, jitter: number, bad = 0): SimItem[] {
  const bank: SimItem[] = [];
  for (let difficulty = 1; difficulty <= 5; difficulty++) {
    for (let i = 0; i < 6; i++) {
      const b = difficultyToLogit(difficulty);
      bank.push({
        id: `d${difficulty}-${i}`,
        difficulty,
        b,
        trueB: b + jitter * normal(random),
        exposure: 0,
        slope: 1,
      });
    }
  }
  for (let i = 0; i < bad; i++) {
    const item = bank[3 + i * 12] as SimItem;
    item.slope = -1;
  }
  return bank;
}

/**
 * Learners (θ ~ N(0.3, 1)) take adaptive tests on the engine's prior difficulties, alternating 10-
 * and 20-item lengths, until every item has `perItem` responses.
 */
function simulate(random: () => number, bank: SimItem[], perItem: number): CalibrationResponse[] {
  const responses: CalibrationResponse[] = [];
  const counts = new Map(bank.map((item) => [item.id, 0]));
  for (let person = 0; Math.min(...counts.values()) < perItem; person++) {
    const theta = 0.3 + normal(random);
    const length = person % 2 === 0 ? 10 : 20;
    const given = new Set<string>();
    const answered: { b: number; correct: boolean }[] = [];
    let estimate = 0;
    while (given.size < length) {
      const item = selectNextItem(bank, estimate, given, { seed: person }) as SimItem | null;
      if (!item) break;
      given.add(item.id);
      item.exposure += 1;
      const p = probabilityCorrect(item.slope * theta, item.slope * item.trueB);
      const correct = random() < p;
      answered.push({ b: item.b, correct });
      responses.push({ person: `p${person}`, item: item.id, correct });
      counts.set(item.id, (counts.get(item.id) as number) + 1);
      estimate = estimateAbility(answered).theta;
    }
  }
  return responses;
}

const rmse = (xs: number[], ys: number[]) =>
  Math.sqrt(xs.reduce((s, x, i) => s + (x - (ys[i] as number)) ** 2, 0) / xs.length);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f3 = (x: number) => x.toFixed(3);

describe("calibrateRasch", () => {
  it("uses the calibrated difficulty where there is one", () => {
    expect(itemLogit(4, null)).toBe(1);
    expect(itemLogit(4, 0.37)).toBe(0.37);
  });

  it("recovers known difficulties within 0.25 logits RMSE from about 500 adaptive responses per item", () => {
    const rows: string[] = [];
    for (const jitter of [0.3, 0.6]) {
      for (const perItem of [200, 500]) {
        const random = prng(20261204 + Math.round(jitter * 10) + perItem);
        const bank = makeBank(random, jitter);
        const responses = simulate(random, bank, perItem);
        const result = calibrateRasch(
          bank.map((item) => ({ id: item.id, prior: item.b, free: true })),
          responses,
        );
        const truth = bank.map((item) => item.trueB);
        // The anchor fixes the origin: the calibrated mean is the prior mean, so compare on that origin.
        const shift = mean(bank.map((item) => item.b)) - mean(truth);
        const anchoredTruth = truth.map((t) => t + shift);
        const estimates = result.items.map((item) => item.b);
        const priors = bank.map((item) => item.b);
        const fits = result.items.map((item) => misfitReason(item));
        const n = result.items.map((item) => item.n);
        const figures = {
          jitter,
          perItem,
          persons: new Set(responses.map((r) => r.person)).size,
          minN: Math.min(...n),
          priorRmse: rmse(priors, truth),
          rmse: rmse(estimates, anchoredTruth),
          rawRmse: rmse(estimates, truth),
          meanOutfit: mean(result.items.map((item) => item.outfit)),
          maxOutfit: Math.max(...result.items.map((item) => item.outfit)),
          minPbis: Math.min(...result.items.map((item) => item.pointBiserial ?? 0)),
          falseFlags: fits.filter(Boolean).length,
          iterations: result.iterations,
        };
        rows.push(
          `| ${jitter} | ${perItem} | ${figures.persons} | ${figures.minN} | ${f3(figures.priorRmse)} | ` +
            `${f3(figures.rmse)} | ${f3(figures.rawRmse)} | ${f3(result.sd)} | ${f3(figures.meanOutfit)} | ` +
            `${f3(figures.maxOutfit)} | ${f3(figures.minPbis)} | ${figures.falseFlags}/30 | ${figures.iterations} |`,
        );
        expect(result.converged).toBe(true);
        expect(Math.abs(mean(estimates) - mean(priors))).toBeLessThan(1e-9);
        if (perItem === 500) {
          expect(figures.rmse).toBeLessThanOrEqual(0.25);
          expect(figures.rmse).toBeLessThan(figures.priorRmse);
        }
        expect(figures.falseFlags).toBe(0);
      }
    }
    process.stdout.write(
      [
        "",
        "Calibration: 30-item bank (6 per level), adaptive 10/20-item tests, θ ~ N(0.3, 1)",
        "| jitter | responses/item (target) | attempts | min n | prior RMSE | calibrated RMSE (anchored) | calibrated RMSE (raw) | est. population SD | mean outfit | max outfit | min point-biserial | good items flagged | EM iterations |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ...rows,
        "",
      ].join("\n"),
    );
  });

  it("flags a negatively discriminating item and keeps the others' difficulties", () => {
    const random = prng(17);
    const bank = makeBank(random, 0.3, 2);
    const responses = simulate(random, bank, 300);
    const result = calibrateRasch(
      bank.map((item) => ({ id: item.id, prior: item.b, free: true })),
      responses,
    );
    const rows = result.items.map((item, i) => {
      const sim = bank[i] as SimItem;
      return {
        id: item.id,
        slope: sim.slope,
        outfit: item.outfit,
        pbis: item.pointBiserial,
        reason: misfitReason(item),
      };
    });
    const bad = rows.filter((r) => r.slope < 0);
    const good = rows.filter((r) => r.slope > 0);
    process.stdout.write(
      [
        "",
        "Misfit: 2 of 30 items answered with a negative slope, 300 responses per item",
        "| items | outfit (mean) | point-biserial (mean) | flagged |",
        "| --- | --- | --- | --- |",
        `| negative slope | ${f3(mean(bad.map((r) => r.outfit)))} | ${f3(mean(bad.map((r) => r.pbis ?? 0)))} | ${bad.filter((r) => r.reason).length}/${bad.length} |`,
        `| Rasch | ${f3(mean(good.map((r) => r.outfit)))} | ${f3(mean(good.map((r) => r.pbis ?? 0)))} | ${good.filter((r) => r.reason).length}/${good.length} |`,
        "",
      ].join("\n"),
    );
    for (const r of bad) expect(r.reason).toMatch(/point-biserial/);
    expect(good.filter((r) => r.reason)).toEqual([]);
  });

  it("holds items below the response threshold at their prior and still anchors the free ones", () => {
    const random = prng(99);
    const bank = makeBank(random, 0.4);
    const responses = simulate(random, bank, 400);
    const result = calibrateRasch(
      bank.map((item, i) => ({ id: item.id, prior: item.b, free: i % 3 !== 0 })),
      responses,
    );
    const free = result.items.filter((_, i) => i % 3 !== 0);
    const held = result.items.filter((_, i) => i % 3 === 0);
    for (const item of held) expect(item.b).toBe(bank.find((s) => s.id === item.id)?.b);
    const freeBank = bank.filter((_, i) => i % 3 !== 0);
    expect(Math.abs(mean(free.map((x) => x.b)) - mean(freeBank.map((x) => x.b)))).toBeLessThan(1e-9);
    const truth = freeBank.map((x) => x.trueB);
    const shift = mean(freeBank.map((x) => x.b)) - mean(truth);
    expect(
      rmse(
        free.map((x) => x.b),
        truth.map((t) => t + shift),
      ),
    ).toBeLessThanOrEqual(0.3);
  });

  it("is deterministic and ignores responses to unknown items", () => {
    const items = [
      { id: "a", prior: -1, free: true },
      { id: "b", prior: 1, free: true },
    ];
    const responses: CalibrationResponse[] = [
      { person: "1", item: "a", correct: true },
      { person: "1", item: "b", correct: false },
      { person: "2", item: "a", correct: true },
      { person: "2", item: "b", correct: true },
      { person: "2", item: "zzz", correct: true },
      { person: "3", item: "a", correct: false },
      { person: "3", item: "b", correct: false },
    ];
    const once = calibrateRasch(items, responses);
    expect(calibrateRasch(items, responses)).toEqual(once);
    expect(once.items.map((x) => x.n)).toEqual([3, 3]);
    expect(once.items[0]?.b).toBeLessThan(once.items[1]?.b as number);
  });
});
