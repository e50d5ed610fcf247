/**
 * Review histories simulated from a known FSRS memory model. The learner's true memory of each
 * card follows FSRS with the learner's own weights; the product schedules the card (by default
 * with ts-fsrs's default weights, or through a callback that records the review in the product).
 * The learner sits down once a day (08:00 UTC), reviews what is due, then takes the learning steps
 * that fall within the hour. Recall is drawn from the true forgetting curve after the real time
 * elapsed; a recalled card is rated Hard, Good or Easy (15/75/10%), a forgotten one Again. A new
 * card's first rating is Again/Hard/Good/Easy with 25/15/50/10%.
 */
import { FSRS, type FSRSState, generatorParameters } from "ts-fsrs";
import { applyReview, type CardMemory, newCardMemory, type Rating } from "../src/fsrs.ts";
import type { ReviewEvent } from "../src/fsrs-optimizer.ts";

const DAY = 86_400_000;
const MINUTE = 60_000;

import { prng as seeded } from "./random.ts";

export { seeded };

/**
 * Learner profiles whose true weights differ from the defaults. `fastForgetter`: lower initial
 * stabilities, smaller stability growth, steeper forgetting curve. `strongMemory`: the opposite.
 */
export const TRUE_WEIGHTS = {
  fastForgetter: [
    0.08, 0.35, 0.8, 2.5, 6.8, 0.7, 2.6, 0.02, 1.1, 0.25, 0.6, 1.9, 0.09, 0.35, 1.9, 0.4, 1.6, 0.5, 0.1, 0.1, 0.35,
  ],
  strongMemory: [
    0.9, 3.5, 7.0, 20.0, 6.0, 0.9, 3.2, 0.001, 2.3, 0.12, 1.0, 1.2, 0.05, 0.2, 1.4, 0.7, 2.0, 0.55, 0.09, 0.06, 0.12,
  ],
} as const satisfies Record<string, readonly number[]>;

/** Records one review in the product and answers the card's memory (its next due date). */
export type ReviewSink = (card: number, rating: Rating, at: Date) => Promise<CardMemory> | CardMemory;

export interface SimulationOptions {
  trueWeights: readonly number[];
  cards: number;
  days: number;
  seed: number;
  /** Day 0 at 00:00 UTC. */
  start: Date;
  newPerDay?: number;
  /** From this day on, the learner's memory follows other weights (a learner whose memory changed). */
  switchTo?: { day: number; weights: readonly number[] };
  /** The product's scheduler; by default ts-fsrs with the default weights, in memory. */
  review?: ReviewSink;
}

export interface SimulatedCard {
  reviews: ReviewEvent[];
}

function drawFirstRating(random: () => number): Rating {
  const u = random();
  return u < 0.25 ? 1 : u < 0.4 ? 2 : u < 0.9 ? 3 : 4;
}

function drawRecalledRating(random: () => number): Rating {
  const u = random();
  return u < 0.15 ? 2 : u < 0.9 ? 3 : 4;
}

const utcDay = (ms: number) => Math.floor(ms / DAY);

/** Simulates the learner; returns every card's reviews in time order. */
export async function simulateLearner(options: SimulationOptions): Promise<SimulatedCard[]> {
  const random = seeded(options.seed);
  let model = new FSRS(generatorParameters({ w: [...options.trueWeights], enable_fuzz: false }));
  const memories: CardMemory[] = [];
  const productReview: ReviewSink =
    options.review ?? ((card, rating, at) => applyReview(memories[card] as CardMemory, rating, at).memory);
  const cards: { truth: FSRSState | null; last: number | null; due: number; reviews: ReviewEvent[] }[] = [];
  const newPerDay = options.newPerDay ?? 8;
  for (let day = 0; day < options.days; day++) {
    if (options.switchTo && day === options.switchTo.day) {
      model = new FSRS(generatorParameters({ w: [...options.switchTo.weights], enable_fuzz: false }));
    }
    const sessionStart = options.start.getTime() + day * DAY + 8 * 60 * MINUTE;
    const sessionEnd = sessionStart + 60 * MINUTE;
    for (let n = 0; n < newPerDay && cards.length < options.cards; n++) {
      memories.push(newCardMemory(new Date(sessionStart)));
      cards.push({ truth: null, last: null, due: sessionStart, reviews: [] });
    }
    let now = sessionStart;
    for (let guard = 0; guard < 2000; guard++) {
      let next = -1;
      for (let i = 0; i < cards.length; i++) {
        const card = cards[i] as (typeof cards)[number];
        if (card.due <= now && (next < 0 || card.due < (cards[next] as (typeof cards)[number]).due)) next = i;
      }
      if (next < 0) {
        // The learning steps still due within the session: wait for the earliest one.
        let soonest = Number.POSITIVE_INFINITY;
        for (const card of cards) if (card.due > now && card.due <= sessionEnd) soonest = Math.min(soonest, card.due);
        if (!Number.isFinite(soonest)) break;
        now = soonest;
        continue;
      }
      const card = cards[next] as (typeof cards)[number];
      now = Math.max(now, card.due) + 20_000;
      let rating: Rating;
      if (card.truth === null || card.last === null) {
        rating = drawFirstRating(random);
        card.truth = model.next_state(null, 0, rating);
      } else {
        const elapsedDays = Math.max(0, (now - card.last) / DAY);
        const recall = model.forgetting_curve(elapsedDays, card.truth.stability);
        rating = random() < recall ? drawRecalledRating(random) : 1;
        card.truth = model.next_state(card.truth, utcDay(now) - utcDay(card.last), rating);
      }
      card.last = now;
      const at = new Date(now);
      card.reviews.push({ rating, at });
      const memory = await productReview(next, rating, at);
      memories[next] = memory;
      card.due = memory.due.getTime();
    }
  }
  return cards.map((card) => ({ reviews: card.reviews }));
}
