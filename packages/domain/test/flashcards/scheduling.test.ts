/**
 * Reviews on the real database: the stored memory equals ts-fsrs's own replay of the history
 * (@sira/algorithms replayReviews), whatever order the reviews arrive in; duplicates and a batch
 * replayed twice change nothing; quiz answers feed the card of their concept once.
 */
import { type Rating, replayReviews } from "@sira/algorithms";
import { truncateAll } from "@sira/infra/testing";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { conceptKeyOf, feedQuizAnswerToCard, recordCardReview } from "../../src/learning/flashcards/index.ts";
import { memoryOfRow, memorySelect } from "../../src/learning/flashcards/memory.ts";
import { contentDeps } from "../content/deps.ts";
import { makeCourse, makeUser } from "../content/fixtures.ts";
import { makeCard, makeQuizResponses } from "./fixtures.ts";

const deps = contentDeps();
const { db } = deps;
beforeEach(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
});
afterAll(() => deps.close());

const T0 = Date.parse("2026-03-02T08:00:00Z");
const HOUR = 3_600_000;
/** A realistic history: the same day, then days apart. */
const HISTORY: { rating: Rating; at: Date }[] = [
  { rating: 3, at: new Date(T0) },
  { rating: 1, at: new Date(T0 + 0.2 * HOUR) },
  { rating: 3, at: new Date(T0 + 0.5 * HOUR) },
  { rating: 3, at: new Date(T0 + 26 * HOUR) },
  { rating: 2, at: new Date(T0 + 80 * HOUR) },
  { rating: 4, at: new Date(T0 + 200 * HOUR) },
  { rating: 1, at: new Date(T0 + 500 * HOUR) },
  { rating: 3, at: new Date(T0 + 520 * HOUR) },
];

async function setup() {
  const course = await makeCourse(db);
  const userId = await makeUser(db);
  const cardId = await makeCard(db, course.moduleId, "offre");
  return { course, userId, cardId };
}

async function stored(userId: string, cardId: string) {
  const row = await db.flashcardReview.findUniqueOrThrow({
    where: { userId_cardId: { userId, cardId } },
    select: memorySelect,
  });
  return memoryOfRow(row);
}

async function send(userId: string, cardId: string, reviews: { rating: Rating; at: Date; key: string }[]) {
  for (const r of reviews) {
    await recordCardReview(db, {
      userId,
      cardId,
      rating: r.rating,
      at: r.at,
      source: "flashcard",
      idempotencyKey: r.key,
    });
  }
}

const keyed = HISTORY.map((r, i) => ({ ...r, key: `review-key-${i}` }));

describe("recordCardReview", () => {
  it("stores exactly what ts-fsrs gives for the same history, in order", async () => {
    const { userId, cardId } = await setup();
    await send(userId, cardId, keyed);
    expect(await stored(userId, cardId)).toEqual(replayReviews(HISTORY[0]?.at as Date, HISTORY));
    const logs = await db.flashcardReviewLog.findMany({ where: { userId, cardId }, orderBy: { reviewedAt: "asc" } });
    expect(logs.map((l) => l.rating)).toEqual(HISTORY.map((r) => r.rating));
    const last = logs[logs.length - 1];
    expect(last?.stabilityAfter).toBe((await stored(userId, cardId)).stability);
  });

  it("gives the in-order result for shuffled delivery, logs included", async () => {
    const { course, userId } = await setup();
    const inOrderCard = await makeCard(db, course.moduleId, "in-order");
    await send(userId, inOrderCard, keyed);
    const expected = await stored(userId, inOrderCard);
    const expectedLogs = await db.flashcardReviewLog.findMany({
      where: { userId, cardId: inOrderCard },
      orderBy: { reviewedAt: "asc" },
      select: { stateBefore: true, dueAfter: true, stabilityAfter: true, difficultyAfter: true, scheduledDays: true },
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(keyed, { minLength: keyed.length }), async (shuffled) => {
        n += 1;
        const cardId = await makeCard(db, course.moduleId, `shuffled-${n}`);
        await send(
          userId,
          cardId,
          shuffled.map((r) => ({ ...r, key: `${r.key}-${n}` })),
        );
        expect(await stored(userId, cardId)).toEqual(expected);
        const logs = await db.flashcardReviewLog.findMany({
          where: { userId, cardId },
          orderBy: { reviewedAt: "asc" },
          select: {
            stateBefore: true,
            dueAfter: true,
            stabilityAfter: true,
            difficultyAfter: true,
            scheduledDays: true,
          },
        });
        expect(logs).toEqual(expectedLogs);
      }),
      { numRuns: 8, seed: 7 },
    );
  });

  it("records a duplicate idempotency key once and reports it", async () => {
    const { userId, cardId } = await setup();
    const first = await recordCardReview(db, {
      userId,
      cardId,
      rating: 3,
      at: new Date(T0),
      source: "flashcard",
      idempotencyKey: "dup-key-1",
    });
    const again = await recordCardReview(db, {
      userId,
      cardId,
      rating: 3,
      at: new Date(T0),
      source: "flashcard",
      idempotencyKey: "dup-key-1",
    });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.memory).toEqual(first.memory);
    expect(await db.flashcardReviewLog.count({ where: { userId, cardId } })).toBe(1);
  });

  it("changes nothing when a whole batch is replayed twice, even shuffled the second time", async () => {
    const { userId, cardId } = await setup();
    await send(userId, cardId, keyed);
    const before = await stored(userId, cardId);
    const row = await db.flashcardReview.findUniqueOrThrow({ where: { userId_cardId: { userId, cardId } } });
    await send(userId, cardId, [...keyed].reverse());
    expect(await stored(userId, cardId)).toEqual(before);
    expect(await db.flashcardReviewLog.count({ where: { userId, cardId } })).toBe(keyed.length);
    const after = await db.flashcardReviewLog.count({ where: { userId, cardId } });
    expect(after).toBe(HISTORY.length);
    expect((await db.flashcardReview.findUniqueOrThrow({ where: { id: row.id } })).updatedAt).toEqual(row.updatedAt);
  });

  it("serialises concurrent reviews of one card", async () => {
    const { userId, cardId } = await setup();
    await Promise.all(
      keyed.map((r) =>
        recordCardReview(db, {
          userId,
          cardId,
          rating: r.rating,
          at: r.at,
          source: "flashcard",
          idempotencyKey: r.key,
        }),
      ),
    );
    expect(await stored(userId, cardId)).toEqual(replayReviews(HISTORY[0]?.at as Date, HISTORY));
  });
});

describe("feedQuizAnswerToCard", () => {
  it("feeds Good for a correct answer and Again for a wrong one, once per quiz response, in time order", async () => {
    const { course, userId, cardId } = await setup();
    const [r1, r2] = await makeQuizResponses(db, userId, course.moduleId, 2);
    const t1 = new Date(T0 + 30 * HOUR);
    const t2 = new Date(T0 + 90 * HOUR);
    await recordCardReview(db, {
      userId,
      cardId,
      rating: 3,
      at: new Date(T0),
      source: "flashcard",
      idempotencyKey: "k-first",
    });
    await feedQuizAnswerToCard(db, {
      userId,
      moduleId: course.moduleId,
      conceptKey: "offre",
      correct: false,
      at: t2,
      quizResponseId: r2 as string,
    });
    await feedQuizAnswerToCard(db, {
      userId,
      moduleId: course.moduleId,
      conceptKey: "offre",
      correct: true,
      at: t1,
      quizResponseId: r1 as string,
    });
    await feedQuizAnswerToCard(db, {
      userId,
      moduleId: course.moduleId,
      conceptKey: "offre",
      correct: true,
      at: t1,
      quizResponseId: r1 as string,
    });
    const logs = await db.flashcardReviewLog.findMany({ where: { userId, cardId }, orderBy: { reviewedAt: "asc" } });
    expect(logs.map((l) => [l.rating, l.source])).toEqual([
      [3, "flashcard"],
      [3, "quiz"],
      [1, "quiz"],
    ]);
    expect(await stored(userId, cardId)).toEqual(
      replayReviews(new Date(T0), [
        { rating: 3, at: new Date(T0) },
        { rating: 3, at: t1 },
        { rating: 1, at: t2 },
      ]),
    );
  });

  it("does nothing when no active card has the concept, and works inside the caller's transaction", async () => {
    const { course, userId, cardId } = await setup();
    const [r1, r2] = await makeQuizResponses(db, userId, course.moduleId, 2);
    await feedQuizAnswerToCard(db, {
      userId,
      moduleId: course.moduleId,
      conceptKey: "absent",
      correct: true,
      at: new Date(T0),
      quizResponseId: r1 as string,
    });
    expect(await db.flashcardReviewLog.count()).toBe(0);
    await db.$transaction((tx) =>
      feedQuizAnswerToCard(tx, {
        userId,
        moduleId: course.moduleId,
        conceptKey: "offre",
        correct: true,
        at: new Date(T0),
        quizResponseId: r2 as string,
      }),
    );
    expect((await stored(userId, cardId)).reps).toBe(1);
  });
});

describe("conceptKeyOf", () => {
  it("folds accents and case into a hyphenated slug shared by quiz items and cards", () => {
    expect(conceptKeyOf("Prix d'équilibre")).toBe("prix-d-equilibre");
    expect(conceptKeyOf("  Élasticité-PRIX  ")).toBe("elasticite-prix");
    expect(conceptKeyOf("Cœur du marché")).toBe("coeur-du-marche");
    expect(conceptKeyOf("Coût marginal (Cm)")).toBe(conceptKeyOf("cout MARGINAL cm"));
    expect(conceptKeyOf("!!!")).toBe("concept");
    fc.assert(
      fc.property(
        fc.string(),
        (s) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(conceptKeyOf(s)) && conceptKeyOf(conceptKeyOf(s)) === conceptKeyOf(s),
      ),
    );
  });
});
