/**
 * Who flashcards must refuse, and what they must never mix up: anonymous callers, learners of
 * other courses, private courses not granted, a dropped enrollment, another learner's memory of
 * the same card, replayed Idempotency-Keys (REST and tRPC share one dedupe, scoped per learner)
 * and hostile input (400 or 413, never 500). REST and tRPC refuse alike.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { makeCard } from "../../../../packages/domain/test/flashcards/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";

const { app, deps } = testApp();
const { db } = deps;
let cardId: string;
const world = enrolledLearnerWorld(deps);

beforeEach(async () => {
  cardId = await makeCard(db, world.course.moduleId, "offre");
});
afterAll(closeTestDeps);

const deckPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/flashcards`;
const reviewPath = (id = cardId) => `/api/v1/flashcards/${id}/review`;
const review = (user: SignedIn | null, body: unknown, headers: Record<string, string> = {}, id = cardId) =>
  learnerRequest(app, user, "POST", reviewPath(id), { body, headers });
const reviews = () => db.flashcardReviewLog.count();

/** A card the learner has studied and that is due now. */
async function dueCard(userId: string, id: string) {
  await db.flashcardReview.create({
    data: {
      userId,
      cardId: id,
      due: new Date(Date.now() - 3_600_000),
      stability: 2,
      difficulty: 5,
      reps: 2,
      state: "review",
      scheduledDays: 1,
      lastReview: new Date(Date.now() - 3 * 86_400_000),
    },
  });
}
const dueIds = async (user: SignedIn) => {
  const res = await learnerRequest(app, user, "GET", "/api/v1/flashcards/due");
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string }[] }).items.map((c) => c.id);
};

describe("anonymous callers", () => {
  it("get 401 UNAUTHENTICATED on every route and procedure, and nothing is recorded", async () => {
    for (const [method, path] of [
      ["GET", deckPath()],
      ["GET", "/api/v1/flashcards/due"],
      ["POST", reviewPath()],
    ] as const) {
      const res = await learnerRequest(app, null, method, path, {
        body: method === "POST" ? { rating: 3 } : undefined,
      });
      await expectProblem(res, { status: 401, code: "UNAUTHENTICATED" });
    }
    const anonymous = await callerAs(deps, null, { lang: "en" });
    expect(await trpcCodeOf(anonymous.flashcards.deck({ module_id: world.course.moduleId }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(anonymous.flashcards.due())).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(anonymous.flashcards.review({ card_id: cardId, rating: 3 }))).toBe("UNAUTHENTICATED");
    expect(await reviews()).toBe(0);
  });

  it("cannot pass a token signed by another key", async () => {
    const [header, payload] = world.learner.accessToken.split(".");
    const forged = { ...world.learner, headers: { authorization: `Bearer ${header}.${payload}.AAAA` } };
    expect((await review(forged, { rating: 3 })).status).toBe(401);
    expect(await reviews()).toBe(0);
  });
});

describe("another learner's course", () => {
  it("is 403 NOT_ENROLLED for the deck and a card review, over REST and tRPC alike, writing nothing", async () => {
    const stranger = await signIn(deps);
    await expectProblem(await learnerRequest(app, stranger, "GET", deckPath(), { lang: "fr" }), {
      status: 403,
      code: "NOT_ENROLLED",
      lang: "fr",
    });
    await expectProblem(await review(stranger, { rating: 3 }), { status: 403, code: "NOT_ENROLLED" });
    const api = await callerAs(deps, stranger);
    expect(await trpcCodeOf(api.flashcards.deck({ module_id: world.course.moduleId }))).toBe("NOT_ENROLLED");
    expect(await trpcCodeOf(api.flashcards.review({ card_id: cardId, rating: 3 }))).toBe("NOT_ENROLLED");
    expect(await reviews()).toBe(0);
    expect(await db.flashcardReview.count()).toBe(0);
  });

  it("a private course not granted is 404 NOT_FOUND, indistinguishable from no course, even when enrolled", async () => {
    const hidden = await makeCourse(db);
    await db.course.update({ where: { id: hidden.courseId }, data: { visibility: "private" } });
    await enroll(db, world.learner.userId, hidden.courseId);
    const hiddenCard = await makeCard(db, hidden.moduleId, "secret");
    await expectProblem(await learnerRequest(app, world.learner, "GET", deckPath(hidden.moduleId)), {
      status: 404,
      code: "NOT_FOUND",
    });
    await expectProblem(await review(world.learner, { rating: 3 }, {}, hiddenCard), { status: 404, code: "NOT_FOUND" });
    const api = await callerAs(deps, world.learner);
    expect(await trpcCodeOf(api.flashcards.review({ card_id: hiddenCard, rating: 3 }))).toBe("NOT_FOUND");
    await dueCard(world.learner.userId, hiddenCard);
    expect(await dueIds(world.learner)).not.toContain(hiddenCard);
  });

  it("a dropped enrollment loses the deck, reviews and quick review of the course's cards", async () => {
    await dueCard(world.learner.userId, cardId);
    expect(await dueIds(world.learner)).toEqual([cardId]);
    await db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { status: "dropped" },
    });
    expect((await learnerRequest(app, world.learner, "GET", deckPath())).status).toBe(403);
    await expectProblem(await review(world.learner, { rating: 3 }), { status: 403, code: "NOT_ENROLLED" });
    expect(await dueIds(world.learner)).toEqual([]);
    expect(await reviews()).toBe(0);
  });
});

describe("one card, two learners", () => {
  it("each learner's memory is their own: a review by one neither shows in nor moves the other's", async () => {
    const other = await signIn(deps);
    await enroll(db, other.userId, world.course.courseId);
    await dueCard(other.userId, cardId);
    const before = await db.flashcardReview.findUniqueOrThrow({
      where: { userId_cardId: { userId: other.userId, cardId } },
    });
    expect(await dueIds(world.learner)).toEqual([]);
    expect((await review(world.learner, { rating: 1 })).status).toBe(200);
    const after = await db.flashcardReview.findUniqueOrThrow({
      where: { userId_cardId: { userId: other.userId, cardId } },
    });
    expect(after).toEqual(before);
    expect(await db.flashcardReviewLog.count({ where: { userId: other.userId } })).toBe(0);
  });

  it("the same Idempotency-Key sent by another learner records their own review, not a replay of the first", async () => {
    const other = await signIn(deps);
    await enroll(db, other.userId, world.course.courseId);
    const key = "offline-review-shared-0001";
    const mine = await review(world.learner, { rating: 4 }, { "idempotency-key": key });
    expect(mine.status).toBe(200);
    const theirs = await review(other, { rating: 1 }, { "idempotency-key": key });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(((await theirs.json()) as { duplicate: boolean }).duplicate).toBe(false);
    const logs = await db.flashcardReviewLog.findMany({ orderBy: { rating: "asc" } });
    expect(logs.map((l) => [l.userId, l.rating])).toEqual([
      [other.userId, 1],
      [world.learner.userId, 4],
    ]);
  });
});

describe("offline replays", () => {
  it("count once over tRPC, and once across REST and tRPC for the same key", async () => {
    const api = await callerAs(deps, world.learner, { offlineQueuedAt: new Date(Date.now() - 3_600_000) });
    const key = "offline-review-trpc-0001";
    const first = await api.flashcards.review({ card_id: cardId, rating: 3, idempotency_key: key });
    const again = await api.flashcards.review({ card_id: cardId, rating: 3, idempotency_key: key });
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(again.due).toBe(first.due);
    const overRest = await review(world.learner, { rating: 3 }, { "idempotency-key": key });
    expect(((await overRest.json()) as { duplicate: boolean; reps: number }).duplicate).toBe(true);
    expect(await reviews()).toBe(1);
    expect((await db.flashcardReview.findFirstOrThrow({ where: { cardId } })).reps).toBe(1);
  });

  it("refuse over tRPC, as over REST, a key already used for another rating: 422, nothing recorded", async () => {
    const api = await callerAs(deps, world.learner);
    const key = "offline-review-trpc-0002";
    await api.flashcards.review({ card_id: cardId, rating: 3, idempotency_key: key });
    expect(await trpcCodeOf(api.flashcards.review({ card_id: cardId, rating: 1, idempotency_key: key }))).toBe(
      "IDEMPOTENCY_KEY_REUSED",
    );
    expect(await reviews()).toBe(1);
    expect((await db.flashcardReviewLog.findFirstOrThrow({ where: { cardId } })).rating).toBe(3);
  });
});

describe("hostile input", () => {
  it("is refused with 400 (or 413 past the body limit), never 500, and records nothing", async () => {
    const bodies: unknown[] = [
      { rating: "3".repeat(100_000) },
      { rating: 3, duration_ms: 1e308 },
      { rating: [3, 3, 3] },
      [{ rating: 3 }],
      { rating: 3, duration_ms: Array.from({ length: 10_000 }, () => 1) },
      null,
    ];
    for (const body of bodies) {
      const res = await review(world.learner, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    const huge = await review(world.learner, { rating: 3, note: "x".repeat(1_100_000) });
    expect(huge.status).toBe(413);
    const longId = await learnerRequest(app, world.learner, "POST", reviewPath("a".repeat(5000)), {
      body: { rating: 3 },
    });
    expect(longId.status).toBe(400);
    // tRPC refuses bad input before the procedure runs (BAD_REQUEST, VALIDATION_FAILED on the wire).
    const api = await callerAs(deps, world.learner);
    expect(
      await trpcCodeOf(api.flashcards.review({ card_id: cardId, rating: 3, idempotency_key: "k".repeat(10_000) })),
    ).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.flashcards.deck({ module_id: world.course.moduleId, limit: 1_000_000 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await reviews()).toBe(0);
  });
});
