/**
 * The pre-assessment for learners: what bad input and wrong state get. Malformed and unknown
 * course ids, a pre-assessment switched off, not yet built or without questions in the request's
 * language, malformed answers, attempts of another kind or course, a question not current and a
 * finished attempt: each a problem+json in the request's language, naming the field.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import { type AttemptState, answerBody } from "./attempts.ts";
import { emptyPreassessmentQueue, type PreassessedCourse, preassessedCourse } from "./preassessment.fixtures.ts";

const { app, deps } = testApp();
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  await emptyPreassessmentQueue(deps);
  learner = await signIn(deps);
});
afterAll(closeTestDeps);

const pathOf = (courseId: string) => `/api/v1/courses/${courseId}/preassessment`;
const send = (method: string, path: string, body?: unknown, lang: "fr" | "en" = "en") =>
  learnerRequest(app, learner, method, path, { body, lang });

async function offered(): Promise<PreassessedCourse> {
  const course = await preassessedCourse(app, deps);
  await enroll(deps.db, learner.userId, course.courseId);
  return course;
}
async function start(courseId: string): Promise<AttemptState> {
  const res = await send("POST", `${pathOf(courseId)}/start`, undefined, "fr");
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}

describe("malformed and unknown courses", () => {
  it("names course_id when malformed on status, start and answer, in French and English", async () => {
    for (const lang of ["fr", "en"] as const) {
      for (const [method, suffix] of [
        ["GET", ""],
        ["POST", "/start"],
        ["POST", "/answer"],
      ] as const) {
        const body =
          suffix === "/answer"
            ? { attempt_id: crypto.randomUUID(), item_id: crypto.randomUUID(), selected_option: 0 }
            : undefined;
        const res = await send(method, `${pathOf("cours-1")}${suffix}`, body, lang);
        await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang, field: "course_id" });
      }
    }
  });

  it("answers 404 NOT_FOUND for a course that does not exist, in French", async () => {
    await expectProblem(await send("GET", pathOf(crypto.randomUUID()), undefined, "fr"), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
  });
});

describe("a pre-assessment that is not offered", () => {
  it("is PREASSESSMENT_UNAVAILABLE in English while switched off, and while enabled but not built", async () => {
    const course = await makeCourse(deps.db);
    await enroll(deps.db, learner.userId, course.courseId);
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/start`), {
      status: 409,
      code: "PREASSESSMENT_UNAVAILABLE",
      lang: "en",
    });
    const admin = await signIn(deps, { role: "admin" });
    const adminPath = `/api/v1/admin/courses/${course.courseId}/preassessment`;
    expect((await learnerRequest(app, admin, "PUT", adminPath, { body: { is_enabled: true } })).status).toBe(200);
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/start`), {
      status: 409,
      code: "PREASSESSMENT_UNAVAILABLE",
      lang: "en",
    });
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });

  it("is PREASSESSMENT_UNAVAILABLE to an English reader when the bank holds French questions only", async () => {
    const course = await offered();
    const status = await send("GET", pathOf(course.courseId), undefined, "en");
    expect(((await status.json()) as { available: boolean }).available).toBe(false);
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/start`, undefined, "en"), {
      status: 409,
      code: "PREASSESSMENT_UNAVAILABLE",
      lang: "en",
    });
    expect((await send("GET", pathOf(course.courseId), undefined, "fr")).status).toBe(200);
  });

  it("answers 404 to an answer for a course that has no pre-assessment at all", async () => {
    const course = await makeCourse(deps.db);
    await enroll(deps.db, learner.userId, course.courseId);
    const body = { attempt_id: crypto.randomUUID(), item_id: crypto.randomUUID(), selected_option: 0 };
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/answer`, body, "fr"), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
  });
});

describe("POST /api/v1/courses/{course_id}/preassessment/answer with bad input or state", () => {
  it("names the field of a malformed answer, recording nothing", async () => {
    const course = await offered();
    const state = await start(course.courseId);
    for (const [body, field] of [
      [{ ...answerBody(state), selected_option: 7 }, "selected_option"],
      [{ ...answerBody(state), item_id: "q1" }, "item_id"],
      [{ item_id: state.question?.id, selected_option: 1 }, "attempt_id"],
    ] as const) {
      await expectProblem(await send("POST", `${pathOf(course.courseId)}/answer`, body, "fr"), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang: "fr",
        field,
      });
    }
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });

  it("answers 404 for an unknown attempt and for a module quiz attempt of the same course", async () => {
    const course = await offered();
    const state = await start(course.courseId);
    const unknown = { ...answerBody(state), attempt_id: crypto.randomUUID() };
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/answer`, unknown), {
      status: 404,
      code: "NOT_FOUND",
    });
    const quiz = await send("GET", `/api/v1/modules/${course.moduleId}/quiz`, undefined, "fr");
    const moduleQuiz = (await quiz.json()) as AttemptState;
    await expectProblem(await send("POST", `${pathOf(course.courseId)}/answer`, answerBody(moduleQuiz)), {
      status: 404,
      code: "NOT_FOUND",
    });
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });

  it("answers 404 for this course's attempt sent under another course that offers one", async () => {
    const course = await offered();
    const other = await offered();
    const state = await start(course.courseId);
    await expectProblem(await send("POST", `${pathOf(other.courseId)}/answer`, answerBody(state)), {
      status: 404,
      code: "NOT_FOUND",
    });
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });

  it("answers ITEM_NOT_CURRENT in French for another question of the bank", async () => {
    const course = await offered();
    const state = await start(course.courseId);
    const other = await deps.db.quizItem.findFirstOrThrow({
      where: { preassessmentId: { not: null }, id: { not: state.question?.id }, language: "fr" },
    });
    const res = await send(
      "POST",
      `${pathOf(course.courseId)}/answer`,
      { ...answerBody(state), item_id: other.id },
      "fr",
    );
    await expectProblem(res, { status: 409, code: "ITEM_NOT_CURRENT", lang: "fr" });
  });

  it("answers ATTEMPT_FINISHED in both languages once the pre-assessment has stopped", async () => {
    const course = await offered();
    const state = await start(course.courseId);
    let question = state.question;
    while (question) {
      const res = await send("POST", `${pathOf(course.courseId)}/answer`, {
        attempt_id: state.attempt.id,
        item_id: question.id,
        selected_option: await correctOptionOf(deps.db, question.id),
      });
      question = ((await res.json()) as { next_question: { id: string } | null }).next_question;
    }
    const unseen = await deps.db.quizItem.findFirstOrThrow({
      where: { preassessmentId: { not: null }, language: "fr", responses: { none: {} } },
    });
    for (const lang of ["fr", "en"] as const) {
      const res = await send(
        "POST",
        `${pathOf(course.courseId)}/answer`,
        { ...answerBody(state), item_id: unseen.id },
        lang,
      );
      await expectProblem(res, { status: 409, code: "ATTEMPT_FINISHED", lang });
    }
    expect(await deps.db.coursePreassessmentResult.count()).toBe(1);
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    await expectTrpcProblem(
      app,
      learner,
      { procedure: "preassessment.status", input: { course_id: "cours-1" } },
      { status: 400, code: "VALIDATION_FAILED", lang: "en", field: "course_id" },
    );
    const course = await makeCourse(deps.db);
    await enroll(deps.db, learner.userId, course.courseId);
    await expectTrpcProblem(
      app,
      learner,
      { procedure: "preassessment.start", input: { course_id: course.courseId }, mutation: true },
      { status: 409, code: "PREASSESSMENT_UNAVAILABLE", lang: "fr" },
    );
    const offeredCourse = await offered();
    const state = await start(offeredCourse.courseId);
    const other = await deps.db.quizItem.findFirstOrThrow({
      where: { preassessmentId: { not: null }, id: { not: state.question?.id }, language: "fr" },
    });
    await expectTrpcProblem(
      app,
      learner,
      {
        procedure: "preassessment.answer",
        input: { course_id: offeredCourse.courseId, ...answerBody(state), item_id: other.id },
        mutation: true,
      },
      { status: 409, code: "ITEM_NOT_CURRENT", lang: "en" },
    );
  });
});
