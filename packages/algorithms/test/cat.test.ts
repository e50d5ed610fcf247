import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CAT_MAX_ITEMS,
  type CatItem,
  type CatResponse,
  difficultyToLogit,
  estimateAbility,
  itemInformation,
  PLACEMENT_CUTOFFS,
  placementLevel,
  probabilityCorrect,
  selectNextItem,
  stopReason,
} from "../src/cat.ts";

const logit = fc.double({ min: -2, max: 2, noNaN: true });
const response: fc.Arbitrary<CatResponse> = fc.record({ b: logit, correct: fc.boolean() });
const history = fc.array(response, { maxLength: 30 });

const bankItem = fc.record({
  b: fc.oneof(fc.integer({ min: 1, max: 5 }).map(difficultyToLogit), logit),
  exposure: fc.nat({ max: 50 }),
});
const bank: fc.Arbitrary<CatItem[]> = fc
  .array(bankItem, { minLength: 0, maxLength: 60 })
  .map((items) => items.map((item, i) => ({ id: `item-${i}`, ...item })));

describe("Rasch model", () => {
  it("maps difficulty 1..5 to logits -2..2", () => {
    expect([1, 2, 3, 4, 5].map(difficultyToLogit)).toEqual([-2, -1, 0, 1, 2]);
  });

  it("gives one half at θ = b and never more than 0.25 information", () => {
    expect(probabilityCorrect(0.7, 0.7)).toBe(0.5);
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), logit, (theta, b) => {
        const info = itemInformation(theta, b);
        expect(info).toBeGreaterThan(0);
        expect(info).toBeLessThanOrEqual(0.25);
      }),
    );
  });
});

describe("EAP ability estimate", () => {
  it("starts at the prior mean with the prior SD", () => {
    const estimate = estimateAbility([]);
    expect(estimate.theta).toBeCloseTo(0, 6);
    expect(estimate.se).toBeCloseTo(1, 2);
  });

  it("stays finite for all-correct and all-wrong patterns", () => {
    const allRight = estimateAbility(Array.from({ length: 20 }, () => ({ b: 2, correct: true })));
    const allWrong = estimateAbility(Array.from({ length: 20 }, () => ({ b: -2, correct: false })));
    expect(allRight.theta).toBeGreaterThan(2);
    expect(allRight.theta).toBeLessThanOrEqual(4);
    expect(allWrong.theta).toBeLessThan(-2);
    expect(allWrong.theta).toBeGreaterThanOrEqual(-4);
    expect(Number.isFinite(allRight.se) && Number.isFinite(allWrong.se)).toBe(true);
  });

  it("moves up after a correct answer and down after a wrong one", () => {
    fc.assert(
      fc.property(history, logit, (previous, b) => {
        const before = estimateAbility(previous).theta;
        expect(estimateAbility([...previous, { b, correct: true }]).theta).toBeGreaterThan(before);
        expect(estimateAbility([...previous, { b, correct: false }]).theta).toBeLessThan(before);
      }),
      { numRuns: 500 },
    );
  });

  it("never reports an SE above the prior SD, and its SE shrinks as items are added", () => {
    fc.assert(
      fc.property(history, response, (previous, next) => {
        const before = estimateAbility(previous).se;
        const after = estimateAbility([...previous, next]).se;
        expect(after).toBeLessThanOrEqual(1 + 1e-9);
        expect(after).toBeLessThanOrEqual(before + 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on the order of the responses", () => {
    fc.assert(
      fc.property(history, (responses) => {
        const forward = estimateAbility(responses);
        const backward = estimateAbility([...responses].reverse());
        expect(backward.theta).toBeCloseTo(forward.theta, 9);
        expect(backward.se).toBeCloseTo(forward.se, 9);
      }),
    );
  });
});

describe("item selection", () => {
  const theta = fc.double({ min: -3, max: 3, noNaN: true });
  const seed = fc.nat();

  it("never gives an administered item and returns null only when none is left", () => {
    fc.assert(
      fc.property(bank, theta, fc.array(fc.boolean(), { maxLength: 60 }), seed, (items, t, flags, s) => {
        const administered = new Set(items.filter((_, i) => flags[i]).map((item) => item.id));
        const next = selectNextItem(items, t, administered, { seed: s });
        const left = items.filter((item) => !administered.has(item.id));
        if (left.length === 0) expect(next).toBeNull();
        else {
          expect(next).not.toBeNull();
          expect(administered.has((next as CatItem).id)).toBe(false);
        }
      }),
    );
  });

  it("stays within ±0.5 of θ whenever the bank has a fresh item there, least exposed first", () => {
    fc.assert(
      fc.property(bank, theta, seed, (items, t, s) => {
        const next = selectNextItem(items, t, new Set(), { seed: s });
        const inWindow = items.filter((item) => Math.abs(item.b - t) <= 0.5);
        if (inWindow.length === 0) return;
        expect(next).not.toBeNull();
        const chosen = next as CatItem;
        expect(Math.abs(chosen.b - t)).toBeLessThanOrEqual(0.5);
        expect(chosen.exposure).toBe(Math.min(...inWindow.map((item) => item.exposure)));
      }),
    );
  });

  it("takes the nearest difficulty when nothing is within the window", () => {
    fc.assert(
      fc.property(bank, theta, seed, (items, t, s) => {
        if (items.some((item) => Math.abs(item.b - t) <= 0.5) || items.length === 0) return;
        const chosen = selectNextItem(items, t, new Set(), { seed: s }) as CatItem;
        expect(Math.abs(chosen.b - t)).toBe(Math.min(...items.map((item) => Math.abs(item.b - t))));
      }),
    );
  });

  it("is deterministic for a seed and spreads ties across seeds", () => {
    const ties: CatItem[] = Array.from({ length: 8 }, (_, i) => ({ id: `tie-${i}`, b: 0, exposure: 0 }));
    const first = selectNextItem(ties, 0, new Set(), { seed: 7 });
    expect(selectNextItem([...ties].reverse(), 0, new Set(), { seed: 7 })).toEqual(first);
    const picked = new Set(
      Array.from({ length: 50 }, (_, seedValue) => selectNextItem(ties, 0, new Set(), { seed: seedValue })?.id),
    );
    expect(picked.size).toBeGreaterThan(3);
  });

  it("balances exposure: repeated tests over one bank use every item of the level in turn", () => {
    const items: CatItem[] = Array.from({ length: 6 }, (_, i) => ({ id: `mid-${i}`, b: 0, exposure: 0 }));
    for (let test = 0; test < 12; test++) {
      const chosen = selectNextItem(items, 0, new Set(), { seed: test }) as CatItem;
      chosen.exposure += 1;
    }
    expect(items.map((item) => item.exposure)).toEqual([2, 2, 2, 2, 2, 2]);
  });
});

describe("stop rules", () => {
  it("stops at the kind's length or when the bank runs out, and not before", () => {
    expect(CAT_MAX_ITEMS).toEqual({ formative: 10, summative: 20, placement: 12, preassessment: 15 });
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(CAT_MAX_ITEMS)),
        fc.nat({ max: 40 }),
        fc.nat({ max: 40 }),
        (max, answered, remaining) => {
          const reason = stopReason(answered, max, remaining);
          if (answered >= max) expect(reason).toBe("max_items");
          else if (remaining === 0) expect(reason).toBe("bank_exhausted");
          else expect(reason).toBeNull();
        },
      ),
    );
  });

  it("a full adaptive run gives exactly min(max, bank size) distinct items", () => {
    fc.assert(
      fc.property(
        bank,
        fc.constantFrom<keyof typeof CAT_MAX_ITEMS>("formative", "summative", "placement", "preassessment"),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (items, kind, trueTheta) => {
          const administered = new Set<string>();
          const responses: CatResponse[] = [];
          let theta = 0;
          while (stopReason(responses.length, CAT_MAX_ITEMS[kind], items.length - administered.size) === null) {
            const item = selectNextItem(items, theta, administered) as CatItem;
            administered.add(item.id);
            responses.push({ b: item.b, correct: item.b <= trueTheta });
            theta = estimateAbility(responses).theta;
          }
          expect(administered.size).toBe(Math.min(CAT_MAX_ITEMS[kind], items.length));
        },
      ),
    );
  });
});

describe("placement level", () => {
  it("uses the documented cut-offs -1, 0 and 1", () => {
    expect(PLACEMENT_CUTOFFS).toEqual([-1, 0, 1]);
    expect([-2.5, -1.01, -1, -0.01, 0, 0.99, 1, 3].map(placementLevel)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it("never goes down as ability goes up", () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (a, d) => {
        expect(placementLevel(a + d)).toBeGreaterThanOrEqual(placementLevel(a));
      }),
    );
  });
});
