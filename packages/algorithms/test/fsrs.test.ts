import fc from "fast-check";
import { type Card, createEmptyCard, fsrs, type Grade, generatorParameters, State } from "ts-fsrs";
import { describe, expect, it } from "vitest";
import {
  applyReview,
  type CardMemory,
  type DueCandidate,
  newCardMemory,
  pickDueCards,
  type Rating,
  replayReviews,
  retrievability,
  secondsPerCard,
} from "../src/fsrs.ts";

const reference = fsrs(generatorParameters({ enable_fuzz: false }));
const STATE_NAMES = {
  [State.New]: "new",
  [State.Learning]: "learning",
  [State.Review]: "review",
  [State.Relearning]: "relearning",
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = new Date("2026-01-05T08:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

type History = { rating: Rating; at: Date }[];

const HISTORIES: Record<string, History> = {
  "steady learner": [
    { rating: 3, at: at(0) },
    { rating: 3, at: at(10 * MINUTE) },
    { rating: 3, at: at(2 * DAY) },
    { rating: 3, at: at(12 * DAY) },
    { rating: 4, at: at(40 * DAY) },
  ],
  "lapses and relearning": [
    { rating: 3, at: at(0) },
    { rating: 3, at: at(10 * MINUTE) },
    { rating: 3, at: at(3 * DAY) },
    { rating: 1, at: at(25 * DAY) },
    { rating: 3, at: at(25 * DAY + 10 * MINUTE) },
    { rating: 2, at: at(27 * DAY) },
    { rating: 1, at: at(40 * DAY) },
    { rating: 4, at: at(41 * DAY) },
  ],
  "same-day cramming": [
    { rating: 1, at: at(0) },
    { rating: 1, at: at(MINUTE) },
    { rating: 2, at: at(3 * MINUTE) },
    { rating: 3, at: at(15 * MINUTE) },
    { rating: 3, at: at(40 * MINUTE) },
    { rating: 4, at: at(3 * 60 * MINUTE) },
  ],
  "long gaps": [
    { rating: 4, at: at(0) },
    { rating: 3, at: at(400 * DAY) },
    { rating: 1, at: at(1500 * DAY) },
    { rating: 3, at: at(1500 * DAY + 10 * MINUTE) },
  ],
};

function expectSameCard(memory: CardMemory, card: Card): void {
  expect(memory.due.getTime()).toBe(card.due.getTime());
  expect(memory.stability).toBe(card.stability);
  expect(memory.difficulty).toBe(card.difficulty);
  expect(memory.reps).toBe(card.reps);
  expect(memory.lapses).toBe(card.lapses);
  expect(memory.state).toBe(STATE_NAMES[card.state]);
  expect(memory.scheduledDays).toBe(card.scheduled_days);
  expect(memory.learningSteps).toBe(card.learning_steps);
  expect(memory.elapsedDays).toBe(card.elapsed_days);
  expect(memory.lastReview?.getTime()).toBe(card.last_review?.getTime());
}

function applyInOrder(history: History): CardMemory {
  let memory = newCardMemory(T0);
  for (const review of history) memory = applyReview(memory, review.rating, review.at).memory;
  return memory;
}

describe("FSRS wrapper equals ts-fsrs", () => {
  it("starts from ts-fsrs's empty card", () => {
    expectSameCard(newCardMemory(T0), createEmptyCard(T0));
  });

  for (const [name, history] of Object.entries(HISTORIES)) {
    it(`gives ts-fsrs's own card after every review: ${name}`, () => {
      let memory = newCardMemory(T0);
      let card = createEmptyCard(T0);
      for (const review of history) {
        const stateBefore = STATE_NAMES[card.state];
        const result = applyReview(memory, review.rating, review.at);
        card = reference.next(card, review.at, review.rating as Grade).card;
        expectSameCard(result.memory, card);
        expect(result.stateBefore).toBe(stateBefore);
        expect(retrievability(result.memory, at(90 * DAY))).toBe(
          reference.get_retrievability(card, at(90 * DAY), false),
        );
        memory = result.memory;
      }
    });
  }

  it("gives ts-fsrs's own card for any history", () => {
    const step = fc.record({
      rating: fc.constantFrom<Rating>(1, 2, 3, 4),
      gapMs: fc.oneof(fc.integer({ min: 0, max: 30 * MINUTE }), fc.integer({ min: 0, max: 400 * DAY })),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), (steps) => {
        let memory = newCardMemory(T0);
        let card = createEmptyCard(T0);
        let time = T0.getTime();
        for (const { rating, gapMs } of steps) {
          time += gapMs;
          memory = applyReview(memory, rating, new Date(time)).memory;
          card = reference.next(card, new Date(time), rating as Grade).card;
        }
        expectSameCard(memory, card);
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic: no fuzz on intervals", () => {
    const history = HISTORIES["steady learner"] as History;
    expect(applyInOrder(history)).toEqual(applyInOrder(history));
  });
});

describe("replaying reviews", () => {
  it("applies a shuffled history in the order the reviews happened", () => {
    for (const history of Object.values(HISTORIES)) {
      const expected = applyInOrder(history);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(history, { minLength: history.length, maxLength: history.length }),
          (shuffled) => {
            expect(replayReviews(T0, shuffled)).toEqual(expected);
          },
        ),
        { numRuns: 50 },
      );
    }
  });

  it("keeps the input order for reviews at the same instant", () => {
    const first: History = [
      { rating: 1, at: at(0) },
      { rating: 4, at: at(0) },
    ];
    const second: History = [first[1] as History[number], first[0] as History[number]];
    expect(replayReviews(T0, first)).toEqual(applyInOrder(first));
    expect(replayReviews(T0, second)).toEqual(applyInOrder(second));
    expect(replayReviews(T0, first)).not.toEqual(replayReviews(T0, second));
  });

  it("gives a new card for an empty history", () => {
    expect(replayReviews(T0, [])).toEqual(newCardMemory(T0));
  });
});

describe("retrievability", () => {
  it("is 0 for a new card and falls as time passes", () => {
    expect(retrievability(newCardMemory(T0), at(DAY))).toBe(0);
    const memory = applyInOrder(HISTORIES["steady learner"] as History);
    const soon = retrievability(memory, at(41 * DAY));
    const later = retrievability(memory, at(200 * DAY));
    expect(soon).toBeGreaterThan(later);
    expect(soon).toBeLessThanOrEqual(1);
    expect(later).toBeGreaterThan(0);
  });
});

describe("quick review", () => {
  const now = at(60 * DAY);
  /** Cards reviewed once at staggered times: the older the review, the lower the recall now. */
  function deck(size: number, notDue = 0): DueCandidate[] {
    const cards: DueCandidate[] = [];
    for (let i = 0; i < size; i++) {
      const memory = replayReviews(T0, [
        { rating: 3, at: at(i * 60 * MINUTE) },
        { rating: 3, at: at(i * 60 * MINUTE + 10 * MINUTE) },
      ]);
      cards.push({ id: `due-${i}`, memory });
    }
    for (let i = 0; i < notDue; i++) {
      cards.push({ id: `later-${i}`, memory: { ...newCardMemory(T0), due: at(90 * DAY) } });
    }
    return cards;
  }

  it("sizes the session by the budget, at most the maximum, never past the budget", () => {
    const cards = deck(40);
    expect(pickDueCards(cards, now, { secondsPerCard: 20 })).toHaveLength(20);
    expect(pickDueCards(cards, now, { secondsPerCard: 60 })).toHaveLength(15);
    expect(pickDueCards(cards, now, { secondsPerCard: 120 })).toHaveLength(7);
    expect(pickDueCards(cards, now, { secondsPerCard: 60, budgetSeconds: 300 })).toHaveLength(5);
    expect(pickDueCards(cards, now, { secondsPerCard: 30, budgetSeconds: 540, max: 30 })).toHaveLength(18);
    expect(pickDueCards(cards, now, { secondsPerCard: 20, budgetSeconds: 10 })).toEqual([]);
    expect(pickDueCards(cards, now, { secondsPerCard: 20, budgetSeconds: -30 })).toEqual([]);
    expect(pickDueCards(cards, now, { secondsPerCard: 5, min: 25, max: 20 })).toHaveLength(25);
  });

  it("gives at least the minimum on a full day's budget when that many are due and the reviewer is not slow", () => {
    const cards = deck(25);
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 90 }), fc.integer({ min: 0, max: 25 }), (perCard, dueCount) => {
        const picked = pickDueCards(cards.slice(0, dueCount), now, { secondsPerCard: perCard });
        expect(picked.length).toBeGreaterThanOrEqual(Math.min(10, dueCount));
        expect(picked.length).toBeLessThanOrEqual(20);
        expect(picked.length * perCard).toBeLessThanOrEqual(900);
      }),
    );
  });

  it("returns every due card when fewer than the minimum are due, and never one not yet due", () => {
    const picked = pickDueCards(deck(6, 10), now, { secondsPerCard: 20 });
    expect(picked.map((card) => card.id).sort()).toEqual(["due-0", "due-1", "due-2", "due-3", "due-4", "due-5"]);
  });

  it("takes the least retrievable cards first, then the earliest due", () => {
    const cards = deck(30, 5);
    const picked = pickDueCards(cards, now, { secondsPerCard: 20 });
    const recall = picked.map((card) => retrievability(card.memory, now));
    expect(recall).toEqual([...recall].sort((a, b) => a - b));
    const cutoff = Math.max(...recall);
    const left = cards.filter((card) => !picked.includes(card) && card.memory.due <= now);
    for (const card of left) expect(retrievability(card.memory, now)).toBeGreaterThanOrEqual(cutoff);
    const fresh = { id: "new", memory: newCardMemory(T0) };
    expect(pickDueCards([...cards, fresh], now, { secondsPerCard: 20 })[0]).toBe(fresh);
  });

  it("breaks recall ties by due time", () => {
    const a = { id: "a", memory: { ...newCardMemory(T0), due: at(2 * DAY) } };
    const b = { id: "b", memory: { ...newCardMemory(T0), due: at(DAY) } };
    expect(pickDueCards([a, b], now, { secondsPerCard: 20 }).map((card) => card.id)).toEqual(["b", "a"]);
  });
});

describe("seconds per card", () => {
  it("uses the median review duration, clamped to 4..120 seconds, 20 without history", () => {
    expect(secondsPerCard([])).toBe(20);
    expect(secondsPerCard([12_000, 30_000, 9_000])).toBe(12);
    expect(secondsPerCard([10_000, 20_000])).toBe(15);
    expect(secondsPerCard([1_000, 2_000, 500])).toBe(4);
    expect(secondsPerCard([600_000, 300_000])).toBe(120);
    expect(secondsPerCard([Number.NaN, -5, 0, 8_000])).toBe(8);
  });
});
