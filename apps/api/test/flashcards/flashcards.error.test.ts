/**
 * Flashcards: what bad input and wrong state get. Malformed ids, paging, ?fields= and ?since=, a
 * rating or duration out of range, an untrustworthy offline timestamp or idempotency key, a deck
 * with nothing to draw from and a card of a locked module: each a problem+json in the request's
 * language, naming the field, with nothing recorded.
 */
import { getQueue } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { makeCard } from "../../../../packages/domain/test/flashcards/fixtures.ts";
import { addModule } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import { regenerateDecks, storeBothDecks } from "./decks.ts";

const { app, deps } = testApp();
const { db } = deps;
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const deckPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/flashcards`;
const reviewPath = (cardId: string) => `/api/v1/flashcards/${cardId}/review`;
const review = (
  cardId: string,
  body: unknown,
  options: { lang?: "fr" | "en"; headers?: Record<string, string> } = {},
) => learnerRequest(app, world.learner, "POST", reviewPath(cardId), { body, ...options });
const nothingRecorded = async () => {
  expect(await db.flashcardReviewLog.count()).toBe(0);
  expect(await db.flashcardReview.count()).toBe(0);
};

describe("GET /api/v1/modules/{module_id}/flashcards with bad input", () => {
  it("refuses a malformed module id with 400 naming module_id, in French and English", async () => {
    for (const lang of ["fr", "en"] as const) {
      const res = await learnerRequest(app, world.learner, "GET", deckPath("not-a-uuid"), { lang });
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang, field: "module_id" });
    }
  });

  for (const [query, field] of [
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["page=0", "page"],
    ["page=deux", "page"],
  ] as const) {
    it(`refuses ?${query} naming ${field}`, async () => {
      const res = await learnerRequest(app, world.learner, "GET", `${deckPath()}?${query}`, { lang: "fr" });
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", field });
    });
  }

  it("names each unknown field of ?fields=, in the request's language", async () => {
    const res = await learnerRequest(app, world.learner, "GET", `${deckPath()}?fields=term,answer_key,user_id`, {
      lang: "fr",
    });
    const problem = await expectProblem(res, { status: 400, code: "UNKNOWN_FIELDS", lang: "fr", customDetail: true });
    expect(problem.errors?.map((e) => e.message)).toEqual(["answer_key", "user_id"]);
    expect(problem.detail).toMatch(/^Champs inconnus : answer_key, user_id\./);
  });

  it("refuses a ?since= that is not an instant, or lies in the future", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const since of ["hier", "2026-13-45T00:00:00Z", encodeURIComponent(future)]) {
      const res = await learnerRequest(app, world.learner, "GET", `${deckPath()}?since=${since}`, { lang: "en" });
      await expectProblem(res, { status: 400, code: "INVALID_SINCE", lang: "en" });
    }
  });

  it("answers 409 NO_INDEXED_CONTENT when the course has nothing to build a deck from, queueing nothing", async () => {
    const res = await learnerRequest(app, world.learner, "GET", deckPath(), { lang: "fr" });
    await expectProblem(res, { status: 409, code: "NO_INDEXED_CONTENT", lang: "fr" });
    expect(await getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX }).count()).toBe(0);
  });

  it("answers 423 MODULE_LOCKED for a module whose prerequisites are not done, in the request's language", async () => {
    const second = await addModule(db, world.course.courseId);
    for (const lang of ["fr", "en"] as const) {
      const res = await learnerRequest(app, world.learner, "GET", deckPath(second), { lang });
      await expectProblem(res, { status: 423, code: "MODULE_LOCKED", lang });
    }
  });
});

describe("POST /api/v1/flashcards/{card_id}/review with bad input", () => {
  const cases: [string, unknown, string][] = [
    ["rating 5", { rating: 5 }, "rating"],
    ["rating 0", { rating: 0 }, "rating"],
    ["a fractional rating", { rating: 2.5 }, "rating"],
    ["a rating as text", { rating: "3" }, "rating"],
    ["no rating", { duration_ms: 4000 }, "rating"],
    ["a negative duration", { rating: 3, duration_ms: -1 }, "duration_ms"],
    ["a duration over an hour", { rating: 3, duration_ms: 3_600_001 }, "duration_ms"],
    ["an unknown key (no mass assignment)", { rating: 3, user_id: crypto.randomUUID() }, ""],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}: 400${field ? ` naming ${field}` : ""}, recording nothing`, async () => {
      const cardId = await makeCard(db, world.course.moduleId, "offre");
      const res = await review(cardId, body, { lang: "fr" });
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", ...(field ? { field } : {}) });
      await nothingRecorded();
    });
  }

  it("refuses a malformed card id naming card_id, and a body that is not JSON", async () => {
    await expectProblem(await review("42", { rating: 3 }), {
      status: 400,
      code: "VALIDATION_FAILED",
      field: "card_id",
    });
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    const res = await app.request(reviewPath(cardId), {
      method: "POST",
      headers: { ...world.learner.headers, "content-type": "application/json", "accept-language": "en" },
      body: "{rating: 3",
    });
    expect(res.status).toBe(400);
    await nothingRecorded();
  });

  it("refuses an offline timestamp in the future, older than the replay window, or unreadable", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    const tooOld = new Date(Date.now() - (deps.config.OFFLINE_REPLAY_MAX_AGE_DAYS + 1) * 86_400_000);
    for (const at of [new Date(Date.now() + 3_600_000).toISOString(), tooOld.toISOString(), "yesterday"]) {
      const res = await review(cardId, { rating: 3 }, { lang: "fr", headers: { "x-offline-queued-at": at } });
      await expectProblem(res, { status: 400, code: "INVALID_OFFLINE_TIMESTAMP", lang: "fr" });
    }
    await nothingRecorded();
  });

  it("refuses an Idempotency-Key too short or too long to be one", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    for (const key of ["short", "k".repeat(129)]) {
      const res = await review(cardId, { rating: 3 }, { headers: { "idempotency-key": key } });
      await expectProblem(res, { status: 400, code: "INVALID_IDEMPOTENCY_KEY" });
    }
    await nothingRecorded();
  });

  it("answers 404 for an unknown card and 423 MODULE_LOCKED for a card of a locked module", async () => {
    await expectProblem(await review(crypto.randomUUID(), { rating: 3 }, { lang: "fr" }), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
    // Another learner who opened module 2 generated its deck: its cards exist, but not for this learner yet.
    const second = await addModule(db, world.course.courseId);
    const lockedCard = await makeCard(db, second, "elasticite");
    await expectProblem(await review(lockedCard, { rating: 3 }, { lang: "en" }), {
      status: 423,
      code: "MODULE_LOCKED",
      lang: "en",
    });
    await nothingRecorded();
  });
});

describe("a card retired by a regeneration of its deck", () => {
  it("can no longer be reviewed: 404 NOT_FOUND in French, nothing recorded", async () => {
    const decks = await storeBothDecks(db, world.course.moduleId);
    const first = await learnerRequest(app, world.learner, "GET", `${deckPath()}?limit=100`, { lang: "fr" });
    const cards = ((await first.json()) as { items: { id: string; concept_key: string }[] }).items;
    await regenerateDecks(db, decks, ["Offre", "Demande", "Prix d'équilibre"]);
    await deps.redis.flushdb();
    expect((await learnerRequest(app, world.learner, "GET", deckPath())).status).toBe(200);
    const retired = cards.find((c) => c.concept_key === "elasticite-prix")?.id as string;
    expect((await db.flashcard.findUniqueOrThrow({ where: { id: retired } })).isActive).toBe(false);
    await expectProblem(await review(retired, { rating: 3 }, { lang: "fr" }), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
    await nothingRecorded();
  });
});

describe("GET /api/v1/flashcards/due with bad input", () => {
  it("refuses unknown ?fields= on the session's cards", async () => {
    const res = await learnerRequest(app, world.learner, "GET", "/api/v1/flashcards/due?fields=term,stability_secret");
    const problem = await expectProblem(res, { status: 400, code: "UNKNOWN_FIELDS", customDetail: true });
    expect(problem.errors?.map((e) => e.message)).toEqual(["stability_secret"]);
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    const cardId = await makeCard(db, world.course.moduleId, "offre");
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "flashcards.review", input: { card_id: cardId, rating: 5 }, mutation: true },
      { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "rating" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "flashcards.deck", input: { module_id: world.course.moduleId, since: "hier" } },
      { status: 400, code: "INVALID_SINCE", lang: "en" },
    );
    const second = await addModule(db, world.course.courseId);
    await expectTrpcProblem(
      app,
      world.learner,
      {
        procedure: "flashcards.review",
        input: { card_id: await makeCard(db, second, "x"), rating: 3 },
        mutation: true,
      },
      { status: 423, code: "MODULE_LOCKED", lang: "fr" },
    );
    await nothingRecorded();
  });
});
