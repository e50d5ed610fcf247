/**
 * The module quiz score (decision 0049): the expected domain score at the final ability estimate,
 * simulated on banks the size the generator produces (30 items, and 15 for comparison), spread over
 * the five written difficulties, with the learners answering to jittered true difficulties.
 */
import { describe, expect, it } from "vitest";
import {
  type CatItem,
  difficultyToLogit,
  estimateAbility,
  expectedScore,
  probabilityCorrect,
  SCORE_PRIOR,
  selectNextItem,
} from "../src/cat.ts";
import { normal, prng } from "./random.ts";

interface SimItem extends CatItem {
  level: number;
  trueB: number;
}

/** `size` items, an equal share per written difficulty 1-5; the learners answer to b + N(0, 0.3). */
function makeBank(size: number, random: () => number): SimItem[] {
  const bank: SimItem[] = [];
  for (let i = 0; i < size; i++) {
    const level = (i % 5) + 1;
    const b = difficultyToLogit(level);
    bank.push({ id: `i${i}`, level, b, trueB: b + 0.3 * normal(random), exposure: 0 });
  }
  return bank;
}

type Method = "cat" | "centred" | "spread";
type Rule = "domain" | "domain-n01" | "raw";

/** A fixed form of `length` items: centred takes levels 3, 2, 4 in turn (then 1 and 5 once those run out), spread cycles 1-5. */
function fixedForm(bank: readonly SimItem[], length: number, method: "centred" | "spread"): SimItem[] {
  const order = method === "centred" ? [3, 2, 4, 1, 5] : [1, 2, 3, 4, 5];
  const byLevel = new Map(order.map((l) => [l, bank.filter((i) => i.level === l)]));
  const form: SimItem[] = [];
  const levels =
    method === "centred"
      ? [
          [3, 2, 4],
          [1, 5],
        ]
      : [[1, 2, 3, 4, 5]];
  for (const group of levels) {
    let added = true;
    while (added && form.length < length) {
      added = false;
      for (const l of group) {
        const next = byLevel.get(l)?.shift();
        if (next && form.length < length) {
          form.push(next);
          added = true;
        }
      }
    }
  }
  return form;
}

interface Outcome {
  scores: Record<Rule, number>;
}

function sitTest(
  bank: SimItem[],
  method: Method,
  length: number,
  theta: number,
  random: () => number,
  seed: number,
): Outcome {
  const responses: { b: number; correct: boolean }[] = [];
  const answer = (item: SimItem) =>
    responses.push({ b: item.b, correct: random() < probabilityCorrect(theta, item.trueB) });
  if (method === "cat") {
    const given = new Set<string>();
    let estimate = 0;
    while (given.size < length) {
      const next = selectNextItem(bank, estimate, given, { seed }) as SimItem | null;
      if (!next) break;
      given.add(next.id);
      next.exposure++;
      answer(next);
      estimate = estimateAbility(responses).theta;
    }
  } else {
    for (const item of fixedForm(bank, length, method)) answer(item);
  }
  const engineBank = bank.map((i) => i.b);
  const correct = responses.filter((r) => r.correct).length;
  return {
    scores: {
      domain: expectedScore(estimateAbility(responses, SCORE_PRIOR).theta, engineBank),
      "domain-n01": expectedScore(estimateAbility(responses).theta, engineBank),
      raw: (correct / responses.length) * 100,
    },
  };
}

/** θ at which the true domain score is `target` (bisection; the score rises with θ). */
function thetaForScore(bank: readonly SimItem[], target: number): number {
  let lo = -6;
  let hi = 6;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (
      expectedScore(
        mid,
        bank.map((b) => b.trueB),
      ) < target
    )
      lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const CUT = 80;
const REPLICATIONS = 500;
const POPULATION = 3000;
const POINTS = [60, 65, 70, 75, 80, 85, 90, 95];
const RULES: Rule[] = ["domain", "domain-n01", "raw"];

interface Figures {
  /** Pass probability at each true domain score of POINTS, per rule. */
  curve: Record<Rule, number[]>;
  /** On learners whose true domain score is uniform over 50-100: right side of the 80 cut, per rule. */
  accuracy: Record<Rule, number>;
  /** Shipped rule, same population: pass rate of those at ≥ 85 and of those at ≤ 70. */
  highBand: number;
  lowBand: number;
}

function simulate(size: number, length: number, method: Method): Figures {
  const random = prng(17_000 + size * 100 + length);
  const bank = makeBank(size, random);
  const trueBs = bank.map((i) => i.trueB);
  const curve: Record<Rule, number[]> = { domain: [], "domain-n01": [], raw: [] };
  let seed = 0;
  for (const point of POINTS) {
    const theta = thetaForScore(bank, point);
    const passes: Record<Rule, number> = { domain: 0, "domain-n01": 0, raw: 0 };
    for (let r = 0; r < REPLICATIONS; r++) {
      const o = sitTest(bank, method, length, theta, random, seed++);
      for (const rule of RULES) if (o.scores[rule] >= CUT) passes[rule]++;
    }
    for (const rule of RULES) curve[rule].push(passes[rule] / REPLICATIONS);
  }
  const right: Record<Rule, number> = { domain: 0, "domain-n01": 0, raw: 0 };
  const high = { n: 0, pass: 0 };
  const low = { n: 0, pass: 0 };
  for (let p = 0; p < POPULATION; p++) {
    const truth = 50 + 50 * random();
    const theta = thetaForScore(bank, truth);
    const o = sitTest(bank, method, length, theta, random, seed++);
    for (const rule of RULES) if (o.scores[rule] >= CUT === truth >= CUT) right[rule]++;
    const passed = o.scores.domain >= CUT ? 1 : 0;
    if (truth >= 85) {
      high.n++;
      high.pass += passed;
    }
    if (truth <= 70) {
      low.n++;
      low.pass += passed;
    }
  }
  expect(expectedScore(thetaForScore(bank, 85), trueBs)).toBeCloseTo(85, 1);
  return {
    curve,
    accuracy: {
      domain: right.domain / POPULATION,
      "domain-n01": right["domain-n01"] / POPULATION,
      raw: right.raw / POPULATION,
    },
    highBand: high.pass / high.n,
    lowBand: low.pass / low.n,
  };
}

const RULE_NAMES: Record<Rule, string> = {
  domain: "domain score, θ by EAP N(0,2) (shipped)",
  "domain-n01": "domain score, θ by EAP N(0,1)",
  raw: "% correct (before)",
};

describe("module score simulation (decision 0049)", () => {
  const results = new Map<string, Figures>();
  for (const size of [30, 15]) {
    for (const length of [10, 20]) {
      for (const method of ["cat", "centred", "spread"] as Method[]) {
        results.set(`${size}/${length}/${method}`, simulate(size, length, method));
      }
    }
  }

  it("prints pass probability against the true domain score and accuracy at the 80 cut", () => {
    const header = `| bank | items | form | rule | ${POINTS.map((p) => `T=${p}`).join(" | ")} | accuracy | pass T≥85 | pass T≤70 |`;
    const lines = [header, `|${" --- |".repeat(POINTS.length + 7)}`];
    for (const [key, r] of results) {
      const [size, length, method] = key.split("/");
      for (const rule of RULES) {
        const bands = rule === "domain" ? `${r.highBand.toFixed(3)} | ${r.lowBand.toFixed(3)}` : "  |  ";
        lines.push(
          `| ${size} | ${length} | ${method} | ${RULE_NAMES[rule]} | ${r.curve[rule].map((x) => x.toFixed(2)).join(" | ")} | ${r.accuracy[rule].toFixed(3)} | ${bands} |`,
        );
      }
    }
    process.stdout.write(`\n${lines.join("\n")}\n`);
    expect(lines.length).toBe(2 + results.size * RULES.length);
  });

  it("meets the bars for a summative attempt (20 items, CAT, 30-item bank)", () => {
    const r = results.get("30/20/cat") as Figures;
    expect(r.highBand).toBeGreaterThanOrEqual(0.9);
    expect(r.lowBand).toBeLessThanOrEqual(0.1);
    const at = (score: number) => r.curve.domain[POINTS.indexOf(score)] as number;
    expect(at(90)).toBeGreaterThanOrEqual(0.9);
    expect(at(70)).toBeLessThanOrEqual(0.1);
    // The shipped rule classifies better than % correct, and the CAT at least as well as either fixed form.
    expect(r.accuracy.domain).toBeGreaterThan(r.accuracy.raw);
    for (const form of ["centred", "spread"]) {
      expect(r.accuracy.domain).toBeGreaterThanOrEqual((results.get(`30/20/${form}`) as Figures).accuracy.domain);
    }
  });
});
