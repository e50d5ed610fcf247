/**
 * FSRS optimisation on a real worker (decision 0052). Learners' histories are simulated from known
 * FSRS memory models and recorded through the product's own review flow (recordCardReview, which
 * schedules each card with the product's scheduler). The job then fits weights: a learner whose
 * memory is stronger than the defaults say gets a set that lowers the held-out log loss; a learner
 * with few reviews gets none; a learner whose memory is what the defaults say gets no set (the fit
 * does not beat the defaults on held-out reviews) and loses a stale one. The next review of the
 * fitted learner is scheduled with the fitted weights, through REST. A course cohort whose
 * learners each have too few reviews gets a set from their pooled reviews, and a newcomer of that
 * course is scheduled with it.
 */
import { applyReview, DEFAULT_FSRS_WEIGHTS, type Rating, replayReviews } from "@sira/algorithms";
import { enqueue, recordCardReview, storeFsrsFit } from "@sira/domain";
import { getQueue, jobIdFor } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateLearner, TRUE_WEIGHTS } from "../../../../packages/algorithms/test/fsrs-simulation.ts";
import { type CourseFixture, enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { makeCard } from "../../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp();
const { db } = deps;
const send = jsonSender(app, "fsrs");
const DAY = 86_400_000;
let workers: TestWorkers;
let admin: SignedIn;
let course: CourseFixture;
let cards: string[];
const learners: Record<"strong" | "few" | "typical" | "newcomer", SignedIn> = {} as never;
/** A second course whose learners each have too few reviews for a set of their own. */
let cohortCourse: CourseFixture;
let cohortCards: string[];

/** Day 0 of every simulation: midnight UTC, 125 days ago (sessions at 08:00 UTC). */
function simulationStart(): Date {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return new Date(today - 125 * DAY);
}

/** Simulates a learner through recordCardReview; returns their review count. */
async function simulate(
  learner: SignedIn,
  deck: string[],
  options: { trueWeights: readonly number[]; cards: number; days: number; seed: number },
) {
  const simulated = await simulateLearner({
    ...options,
    start: simulationStart(),
    review: async (card, rating, at) => {
      const outcome = await recordCardReview(db, {
        userId: learner.userId,
        cardId: deck[card] as string,
        rating,
        at,
        source: "flashcard",
      });
      return outcome.memory;
    },
  });
  return simulated.reduce((n, c) => n + c.reviews.length, 0);
}

let runs = 0;
async function runJob(): Promise<Record<string, number>> {
  const { jobId } = await enqueue(deps, "fit-fsrs-parameters", {}, jobIdFor("fit-fsrs-parameters", "test", ++runs));
  const queue = getQueue("maintenance", { prefix: deps.config.QUEUE_PREFIX });
  const job = await until(
    () => queue.getJob(jobId),
    (j) => Boolean(j?.finishedOn),
    1200,
  );
  expect(job?.failedReason).toBeUndefined();
  return job?.returnvalue as Record<string, number>;
}

const userSet = (userId: string) => db.fsrsParameterSet.findFirst({ where: { scope: "user", userId } });
const counts: Record<string, number> = {};

beforeAll(async () => {
  await resetState();
  workers = startTestWorkers(deps);
  admin = await signIn(deps, { role: "admin" });
  course = await makeCourse(db);
  cards = [];
  for (let i = 0; i < 150; i++) cards.push(await makeCard(db, course.moduleId, `concept-${i}`, i));
  for (const name of ["strong", "few", "typical"] as const) {
    learners[name] = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(db, learners[name].userId, course.courseId);
  }
  // Per-learner fits only here: the cohort threshold is out of reach.
  const off = await send(admin, "PUT", "/api/v1/admin/settings/flashcards.fsrs_min_reviews_course", {
    value: 10_000_000,
  });
  expect(off.status).toBe(200);
  counts.strong = await simulate(learners.strong, cards, {
    trueWeights: TRUE_WEIGHTS.strongMemory,
    cards: 150,
    days: 120,
    seed: 7,
  });
  counts.few = await simulate(learners.few, cards, {
    trueWeights: TRUE_WEIGHTS.strongMemory,
    cards: 10,
    days: 10,
    seed: 5,
  });
  counts.typical = await simulate(learners.typical, cards, {
    trueWeights: DEFAULT_FSRS_WEIGHTS,
    cards: 100,
    days: 120,
    seed: 3,
  });
  // The cohort course: four learners with a strong memory, about 280 reviews each, and a newcomer.
  cohortCourse = await makeCourse(db);
  cohortCards = [];
  for (let i = 0; i < 40; i++) cohortCards.push(await makeCard(db, cohortCourse.moduleId, `idea-${i}`, i));
  counts.cohort = 0;
  for (const seed of [11, 12, 13, 14]) {
    const member = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(db, member.userId, cohortCourse.courseId);
    const n = await simulate(member, cohortCards, {
      trueWeights: TRUE_WEIGHTS.strongMemory,
      cards: 40,
      days: 120,
      seed,
    });
    expect(n).toBeLessThan(400);
    counts.cohort += n;
  }
  learners.newcomer = await signIn(deps, { role: "learner", country: "SN" });
  await enroll(db, learners.newcomer.userId, cohortCourse.courseId);
  counts.cohort += await simulate(learners.newcomer, cohortCards, {
    trueWeights: TRUE_WEIGHTS.strongMemory,
    cards: 10,
    days: 10,
    seed: 15,
  });
  // A set an earlier run kept for the typical learner (their earlier history favoured other weights).
  await storeFsrsFit(
    db,
    { scope: "user", userId: learners.typical.userId },
    {
      weights: [...TRUE_WEIGHTS.strongMemory],
      reviewCount: 500,
      trainItems: 200,
      testItems: 50,
      fitted: { logLoss: 0.2, rmseBins: 0.05 },
      defaults: { logLoss: 0.25, rmseBins: 0.08 },
      improves: true,
    },
    500,
    new Date(Date.now() - 30 * DAY),
  );
}, 240_000);
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

describe("fit-fsrs-parameters on the worker", () => {
  it("keeps a learner's set only when it lowers the held-out log loss; few reviews get none", async () => {
    expect(counts.strong).toBeGreaterThanOrEqual(400);
    expect(counts.few).toBeLessThan(400);
    expect(counts.typical).toBeGreaterThanOrEqual(400);
    const report = await runJob();
    expect(report).toMatchObject({ learners: 2, courses: 0, kept: 1, removed: 1, notKept: 1 });

    const strong = await userSet(learners.strong.userId);
    expect(strong).not.toBeNull();
    expect(strong?.reviewCount).toBe(counts.strong);
    expect(strong?.logLoss).toBeLessThan(strong?.defaultLogLoss as number);
    expect(strong?.weights).toHaveLength(DEFAULT_FSRS_WEIGHTS.length);
    expect(strong?.weights).not.toEqual([...DEFAULT_FSRS_WEIGHTS]);
    expect(await userSet(learners.few.userId)).toBeNull();
    expect(await userSet(learners.typical.userId)).toBeNull();
    process.stdout.write(
      `fsrs job: strong learner ${counts.strong} reviews, held-out log loss ${strong?.logLoss.toFixed(4)} ` +
        `vs defaults ${strong?.defaultLogLoss.toFixed(4)}; few ${counts.few} reviews: no set; ` +
        `typical ${counts.typical} reviews: not kept, stale set removed\n`,
    );

    // Nothing new: the second run fits only the learner without a set and changes nothing.
    const again = await runJob();
    expect(again).toMatchObject({ learners: 1, kept: 0, notKept: 1 });
    expect((await userSet(learners.strong.userId))?.fittedAt).toEqual(strong?.fittedAt);
  }, 120_000);

  it("schedules the fitted learner's next review with the fitted weights", async () => {
    const set = await userSet(learners.strong.userId);
    const weights = set?.weights as number[];
    const cardId = cards[0] as string;
    const logs = await db.flashcardReviewLog.findMany({
      where: { userId: learners.strong.userId, cardId },
      orderBy: [{ reviewedAt: "asc" }, { createdAt: "asc" }],
    });
    const res = await app.request(`/api/v1/flashcards/${cardId}/review`, {
      method: "POST",
      headers: { ...learners.strong.headers, "content-type": "application/json" },
      body: JSON.stringify({ rating: 3, duration_ms: 6000 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { due: string };
    const now = (await db.flashcardReviewLog.findFirstOrThrow({
      where: { userId: learners.strong.userId, cardId },
      orderBy: { reviewedAt: "desc" },
    })) as { reviewedAt: Date };
    const history = [
      ...logs.map((l) => ({ rating: l.rating as Rating, at: l.reviewedAt })),
      { rating: 3 as Rating, at: now.reviewedAt },
    ];
    // The stored memory came from the default weights; the new review runs on the fitted ones.
    const before = replayReviews(history[0]?.at as Date, history.slice(0, -1));
    const fitted = applyReview(before, 3, now.reviewedAt, weights).memory;
    const defaults = applyReview(before, 3, now.reviewedAt).memory;
    expect(body.due).toBe(fitted.due.toISOString());
    expect(fitted.due.getTime()).not.toBe(defaults.due.getTime());
    process.stdout.write(
      `next due with fitted weights ${fitted.due.toISOString()} vs defaults ${defaults.due.toISOString()}\n`,
    );
  });

  it("fits the course cohort's pooled reviews and schedules a learner without a set of their own with them", async () => {
    const on = await send(admin, "PUT", "/api/v1/admin/settings/flashcards.fsrs_min_reviews_course", { value: 1000 });
    expect(on.status).toBe(200);
    const report = await runJob();
    expect(report).toMatchObject({ courses: 2 });
    const cohort = await db.fsrsParameterSet.findFirstOrThrow({
      where: { scope: "course", courseId: cohortCourse.courseId },
    });
    expect(cohort.userId).toBeNull();
    expect(cohort.reviewCount).toBe(counts.cohort);
    expect(cohort.logLoss).toBeLessThan(cohort.defaultLogLoss);
    process.stdout.write(
      `fsrs cohort: ${cohort.reviewCount} pooled reviews, held-out log loss ${cohort.logLoss.toFixed(4)} vs defaults ${cohort.defaultLogLoss.toFixed(4)}\n`,
    );

    expect(await userSet(learners.newcomer.userId)).toBeNull();
    const learner = learners.newcomer;
    const cardId = cohortCards[0] as string;
    const logs = await db.flashcardReviewLog.findMany({
      where: { userId: learner.userId, cardId },
      orderBy: [{ reviewedAt: "asc" }, { createdAt: "asc" }],
    });
    const res = await app.request(`/api/v1/flashcards/${cardId}/review`, {
      method: "POST",
      headers: { ...learner.headers, "content-type": "application/json" },
      body: JSON.stringify({ rating: 3, duration_ms: 6000 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { due: string };
    const last = await db.flashcardReviewLog.findFirstOrThrow({
      where: { userId: learner.userId, cardId },
      orderBy: { reviewedAt: "desc" },
    });
    const history = logs.map((l) => ({ rating: l.rating as Rating, at: l.reviewedAt }));
    const before = replayReviews(history[0]?.at as Date, history);
    const withCohort = applyReview(before, 3, last.reviewedAt, cohort.weights as number[]).memory;
    const withDefaults = applyReview(before, 3, last.reviewedAt).memory;
    expect(body.due).toBe(withCohort.due.toISOString());
    expect(withCohort.due.getTime()).not.toBe(withDefaults.due.getTime());
  });
});
