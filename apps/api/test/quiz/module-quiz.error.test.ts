import { afterAll, describe, expect, it } from "vitest";
import { enroll, indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { addModule, correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import type { AttemptState } from "./attempts.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const quizPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/quiz`;
const post = (path: string, body: unknown, lang: "fr" | "en" = "en") =>
  learnerRequest(app, world.learner, "POST", path, { body, lang });

async function start(moduleId = world.course.moduleId): Promise<AttemptState> {
  const res = await learnerRequest(app, world.learner, "GET", quizPath(moduleId), { lang: "fr" });
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}
const attemptRow = (id: string) => deps.db.quizAttempt.findUniqueOrThrow({ where: { id } });

describe("GET /api/v1/modules/{module_id}/quiz with bad input or state", () => {
  it("names module_id when malformed and kind when unknown, in French and English", async () => {
    for (const lang of ["fr", "en"] as const) {
      await expectProblem(await learnerRequest(app, world.learner, "GET", quizPath("nope"), { lang }), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang,
        field: "module_id",
      });
      await expectProblem(await learnerRequest(app, world.learner, "GET", `${quizPath()}?kind=final`, { lang }), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang,
        field: "kind",
      });
    }
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });

  it("answers QUIZ_NOT_READY with Retry-After in English, and MODULE_LOCKED in English", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const notReady = await learnerRequest(app, world.learner, "GET", quizPath(), { lang: "en" });
    const problem = await expectProblem(notReady, { status: 409, code: "QUIZ_NOT_READY", lang: "en" });
    expect(Number(notReady.headers.get("retry-after"))).toBe(problem.retry_after);
    const second = await addModule(deps.db, world.course.courseId);
    await storeQuiz(deps.db, second);
    await expectProblem(await learnerRequest(app, world.learner, "GET", quizPath(second), { lang: "en" }), {
      status: 423,
      code: "MODULE_LOCKED",
      lang: "en",
    });
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });
});

describe("POST /api/v1/modules/{module_id}/quiz/answer with bad input", () => {
  const cases: [string, (s: AttemptState) => unknown, string][] = [
    ["option 4", (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: 4 }), "selected_option"],
    [
      "option -1",
      (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: -1 }),
      "selected_option",
    ],
    [
      "an option as text",
      (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: "1" }),
      "selected_option",
    ],
    ["no option", (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id }), "selected_option"],
    ["a malformed attempt id", (s) => ({ attempt_id: "1", item_id: s.question?.id, selected_option: 0 }), "attempt_id"],
    ["a malformed item id", (s) => ({ attempt_id: s.attempt.id, item_id: "x", selected_option: 0 }), "item_id"],
    [
      "a duration over a day",
      (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: 0, duration_ms: 86_400_001 }),
      "duration_ms",
    ],
    [
      "a correct flag sent by the client",
      (s) => ({ attempt_id: s.attempt.id, item_id: s.question?.id, selected_option: 0, correct: true }),
      "",
    ],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}: 400${field ? ` naming ${field}` : ""}, the attempt unchanged`, async () => {
      await storeQuiz(deps.db, world.course.moduleId);
      const state = await start();
      const res = await post(`${quizPath()}/answer`, body(state), "fr");
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", ...(field ? { field } : {}) });
      expect((await attemptRow(state.attempt.id)).itemCount).toBe(0);
    });
  }
});

describe("POST /api/v1/modules/{module_id}/quiz/answer in the wrong state", () => {
  it("answers 404 for an unknown attempt and for an attempt sent under another module", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    const unknown = await post(`${quizPath()}/answer`, {
      attempt_id: crypto.randomUUID(),
      item_id: state.question?.id,
      selected_option: 0,
    });
    await expectProblem(unknown, { status: 404, code: "NOT_FOUND" });
    const other = await makeCourse(deps.db);
    await enroll(deps.db, world.learner.userId, other.courseId);
    await storeQuiz(deps.db, other.moduleId);
    await start(other.moduleId);
    const elsewhere = await post(`${quizPath(other.moduleId)}/answer`, {
      attempt_id: state.attempt.id,
      item_id: state.question?.id,
      selected_option: 0,
    });
    await expectProblem(elsewhere, { status: 404, code: "NOT_FOUND" });
    const submitted = await post(`${quizPath(other.moduleId)}/submit`, { attempt_id: state.attempt.id });
    await expectProblem(submitted, { status: 404, code: "NOT_FOUND" });
    expect((await attemptRow(state.attempt.id)).itemCount).toBe(0);
    expect((await attemptRow(state.attempt.id)).submittedAt).toBeNull();
  });

  it("answers 409 ITEM_NOT_CURRENT in French for a question of another module's quiz", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    const other = await makeCourse(deps.db);
    await storeQuiz(deps.db, other.moduleId, { marker: "X" });
    await enroll(deps.db, world.learner.userId, other.courseId);
    const foreign = await start(other.moduleId);
    const res = await post(
      `${quizPath()}/answer`,
      { attempt_id: state.attempt.id, item_id: foreign.question?.id, selected_option: 0 },
      "fr",
    );
    await expectProblem(res, { status: 409, code: "ITEM_NOT_CURRENT", lang: "fr" });
    expect((await attemptRow(state.attempt.id)).itemCount).toBe(0);
  });

  it("answers 409 ATTEMPT_FINISHED in both languages once the test has stopped, before and after submitting", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 20 });
    const state = await start();
    let question = state.question;
    while (question) {
      const res = await post(`${quizPath()}/answer`, {
        attempt_id: state.attempt.id,
        item_id: question.id,
        selected_option: await correctOptionOf(deps.db, question.id),
      });
      question = ((await res.json()) as { next_question: { id: string } | null }).next_question;
    }
    const unseen = await deps.db.quizItem.findFirstOrThrow({
      where: { moduleId: world.course.moduleId, responses: { none: {} } },
    });
    const body = { attempt_id: state.attempt.id, item_id: unseen.id, selected_option: 0 };
    await expectProblem(await post(`${quizPath()}/answer`, body, "fr"), {
      status: 409,
      code: "ATTEMPT_FINISHED",
      lang: "fr",
    });
    expect((await post(`${quizPath()}/submit`, { attempt_id: state.attempt.id })).status).toBe(200);
    await expectProblem(await post(`${quizPath()}/answer`, body, "en"), {
      status: 409,
      code: "ATTEMPT_FINISHED",
      lang: "en",
    });
    expect((await attemptRow(state.attempt.id)).itemCount).toBe(10);
  });
});

describe("POST /api/v1/modules/{module_id}/quiz/submit with bad input", () => {
  it("names attempt_id when missing or malformed, refuses extra keys, and 404s an unknown attempt", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    for (const body of [{}, { attempt_id: "attempt-1" }]) {
      await expectProblem(await post(`${quizPath()}/submit`, body, "fr"), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang: "fr",
        field: "attempt_id",
      });
    }
    await expectProblem(await post(`${quizPath()}/submit`, { attempt_id: state.attempt.id, score: 100 }), {
      status: 400,
      code: "VALIDATION_FAILED",
    });
    await expectProblem(await post(`${quizPath()}/submit`, { attempt_id: crypto.randomUUID() }, "fr"), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
    expect((await attemptRow(state.attempt.id)).submittedAt).toBeNull();
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    const input = { module_id: world.course.moduleId, attempt_id: state.attempt.id, item_id: state.question?.id };
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "quiz.answer", input: { ...input, selected_option: 4 }, mutation: true },
      { status: 400, code: "VALIDATION_FAILED", lang: "en", field: "selected_option" },
    );
    const other = await deps.db.quizItem.findFirstOrThrow({
      where: { moduleId: world.course.moduleId, id: { not: state.question?.id } },
    });
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "quiz.answer", input: { ...input, item_id: other.id, selected_option: 0 }, mutation: true },
      { status: 409, code: "ITEM_NOT_CURRENT", lang: "fr" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      {
        procedure: "quiz.submit",
        input: { module_id: world.course.moduleId, attempt_id: crypto.randomUUID() },
        mutation: true,
      },
      { status: 404, code: "NOT_FOUND", lang: "en" },
    );
    expect((await attemptRow(state.attempt.id)).itemCount).toBe(0);
  });
});
