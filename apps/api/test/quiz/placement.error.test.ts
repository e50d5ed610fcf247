/**
 * Placement: what bad input and wrong state get. A malformed ?domain=, an empty or unknown
 * domain's bank, the cool-down before a retake, malformed answers, an unknown or module-quiz
 * attempt, a question not current and a test that has stopped: each a problem+json in the
 * request's language, naming the field, with the learner's level untouched.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { materialiseQuizItems } from "../../../../packages/domain/src/learning/quiz/index.ts";
import { enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import type { AttemptState } from "./attempts.ts";

const { app, deps } = testApp();
const PLACEMENT = "/api/v1/users/me/placement";
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  learner = await signIn(deps);
});
afterAll(closeTestDeps);

/** A published course whose module quiz feeds the placement bank. */
async function bank() {
  const course = await makeCourse(deps.db);
  await materialiseQuizItems(deps.db, await storeQuiz(deps.db, course.moduleId, { count: 20 }));
  return course;
}
const post = (path: string, body?: unknown, lang: "fr" | "en" = "en") =>
  learnerRequest(app, learner, "POST", path, { body, lang });
async function start(): Promise<AttemptState> {
  const res = await post(PLACEMENT, undefined, "fr");
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}
/** Answers until the test stops; the attempt. */
async function finish(state: AttemptState): Promise<void> {
  let question = state.question;
  while (question) {
    const res = await post(`${PLACEMENT}/answer`, {
      attempt_id: state.attempt.id,
      item_id: question.id,
      selected_option: await correctOptionOf(deps.db, question.id),
    });
    expect(res.status).toBe(200);
    question = ((await res.json()) as { next_question: { id: string } | null }).next_question;
  }
}
const level = async () => (await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).currentLevel;

describe("POST /api/v1/users/me/placement with bad input or state", () => {
  for (const domain of ["Santé", "sante publique", "a".repeat(101), "../admin"]) {
    it(`refuses ?domain=${domain.slice(0, 12)}… naming domain`, async () => {
      const res = await post(`${PLACEMENT}?domain=${encodeURIComponent(domain)}`, undefined, "fr");
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "domain" });
      expect(await deps.db.quizAttempt.count()).toBe(0);
    });
  }

  it("answers QUIZ_NOT_READY in English for an empty bank and for a domain no course is in", async () => {
    await expectProblem(await post(PLACEMENT, undefined, "en"), { status: 409, code: "QUIZ_NOT_READY", lang: "en" });
    await bank();
    await expectProblem(await post(`${PLACEMENT}?domain=agriculture`, undefined, "en"), {
      status: 409,
      code: "QUIZ_NOT_READY",
      lang: "en",
    });
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });

  it("answers PLACEMENT_COOLDOWN in English with retry_after matching Retry-After, opening no attempt", async () => {
    await bank();
    await finish(await start());
    const res = await post(PLACEMENT, undefined, "en");
    const problem = await expectProblem(res, { status: 409, code: "PLACEMENT_COOLDOWN", lang: "en" });
    expect(problem.retry_after).toBe(Number(res.headers.get("retry-after")));
    expect(await deps.db.quizAttempt.count({ where: { userId: learner.userId } })).toBe(1);
  });
});

describe("POST /api/v1/users/me/placement/answer with bad input", () => {
  const cases: [string, (s: AttemptState) => unknown, string][] = [
    ["option 4", (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: 4 }), "selected_option"],
    ["no item", (s) => ({ attempt_id: s.attempt.id, selected_option: 1 }), "item_id"],
    [
      "a malformed attempt id",
      (s) => ({ attempt_id: "first", item_id: s.question?.id, selected_option: 1 }),
      "attempt_id",
    ],
    [
      "a level sent by the client",
      (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: 1, result_level: 4 }),
      "",
    ],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}: 400${field ? ` naming ${field}` : ""}`, async () => {
      await bank();
      const state = await start();
      const res = await post(`${PLACEMENT}/answer`, body(state), "en");
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "en", ...(field ? { field } : {}) });
      expect(await deps.db.quizAttemptResponse.count()).toBe(0);
    });
  }
});

describe("POST /api/v1/users/me/placement/answer in the wrong state", () => {
  it("answers 404 for an unknown attempt and for a module quiz attempt sent here", async () => {
    const course = await bank();
    const state = await start();
    const unknown = { attempt_id: crypto.randomUUID(), item_id: state.question?.id, selected_option: 0 };
    await expectProblem(await post(`${PLACEMENT}/answer`, unknown, "fr"), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
    await enroll(deps.db, learner.userId, course.courseId);
    const quiz = await learnerRequest(app, learner, "GET", `/api/v1/modules/${course.moduleId}/quiz`, { lang: "fr" });
    expect(quiz.status).toBe(200);
    const moduleQuiz = (await quiz.json()) as AttemptState;
    const misplaced = { attempt_id: moduleQuiz.attempt.id, item_id: moduleQuiz.question?.id, selected_option: 0 };
    await expectProblem(await post(`${PLACEMENT}/answer`, misplaced), { status: 404, code: "NOT_FOUND" });
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });

  it("answers ITEM_NOT_CURRENT in French for a question that is not the current one", async () => {
    await bank();
    const state = await start();
    const other = await deps.db.quizItem.findFirstOrThrow({ where: { id: { not: state.question?.id } } });
    const res = await post(
      `${PLACEMENT}/answer`,
      { attempt_id: state.attempt.id, item_id: other.id, selected_option: 0 },
      "fr",
    );
    await expectProblem(res, { status: 409, code: "ITEM_NOT_CURRENT", lang: "fr" });
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });

  it("answers ATTEMPT_FINISHED in both languages once the test has stopped, leaving the level assigned", async () => {
    await bank();
    const state = await start();
    await finish(state);
    expect(await level()).toBe(4);
    const unseen = await deps.db.quizItem.findFirstOrThrow({ where: { responses: { none: {} } } });
    for (const lang of ["fr", "en"] as const) {
      const res = await post(
        `${PLACEMENT}/answer`,
        { attempt_id: state.attempt.id, item_id: unseen.id, selected_option: 0 },
        lang,
      );
      await expectProblem(res, { status: 409, code: "ATTEMPT_FINISHED", lang });
    }
    expect(await level()).toBe(4);
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    await expectTrpcProblem(
      app,
      learner,
      { procedure: "placement.start", input: {}, mutation: true },
      { status: 409, code: "QUIZ_NOT_READY", lang: "en" },
    );
    await bank();
    await expectTrpcProblem(
      app,
      learner,
      { procedure: "placement.start", input: { domain: "Santé" }, mutation: true },
      { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "domain" },
    );
    const state = await start();
    await finish(state);
    await expectTrpcProblem(
      app,
      learner,
      { procedure: "placement.start", input: {}, mutation: true },
      { status: 409, code: "PLACEMENT_COOLDOWN", lang: "fr" },
    );
    const unseen = await deps.db.quizItem.findFirstOrThrow({ where: { responses: { none: {} } } });
    await expectTrpcProblem(
      app,
      learner,
      {
        procedure: "placement.answer",
        input: { attempt_id: state.attempt.id, item_id: unseen.id, selected_option: 0 },
        mutation: true,
      },
      { status: 409, code: "ATTEMPT_FINISHED", lang: "en" },
    );
  });
});
