/**
 * Who the pre-assessment must refuse, and what it must never give away or let be gamed:
 * anonymous callers, learners not enrolled (answer included), private courses not granted, a
 * dropped enrollment mid-attempt, another learner's attempt (REST and tRPC alike), the answer key
 * before answering, a replayed final answer (one result, the same known modules), a second
 * attempt once a result stands, and hostile input (400 or 413, never 500).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { type AttemptState, answerBody } from "./attempts.ts";
import { emptyPreassessmentQueue, type PreassessedCourse, preassessedCourse } from "./preassessment.fixtures.ts";

const { app, deps } = testApp();
let course: PreassessedCourse;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  await emptyPreassessmentQueue(deps);
  course = await preassessedCourse(app, deps);
  learner = await signIn(deps);
  await enroll(deps.db, learner.userId, course.courseId);
});
afterAll(closeTestDeps);

const path = (suffix = "") => `/api/v1/courses/${course.courseId}/preassessment${suffix}`;
const post = (user: SignedIn | null, suffix: string, body?: unknown) =>
  learnerRequest(app, user, "POST", path(suffix), { body, lang: "fr" });
async function start(user = learner): Promise<AttemptState> {
  const res = await post(user, "/start");
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}
const responses = () => deps.db.quizAttemptResponse.count();

describe("anonymous callers", () => {
  it("get 401 on the answer route and on every procedure", async () => {
    const body = { attempt_id: crypto.randomUUID(), item_id: crypto.randomUUID(), selected_option: 0 };
    await expectProblem(await learnerRequest(app, null, "POST", path("/answer"), { body }), {
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const api = await callerAs(deps, null);
    const course_id = course.courseId;
    expect(await trpcCodeOf(api.preassessment.status({ course_id }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.preassessment.start({ course_id }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.preassessment.answer({ course_id, ...body }))).toBe("UNAUTHENTICATED");
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });
});

describe("access to the course", () => {
  it("a learner not enrolled is 403 NOT_ENROLLED on answer too, over REST and tRPC alike", async () => {
    const mine = await start();
    const stranger = await signIn(deps);
    await expectProblem(await post(stranger, "/answer", answerBody(mine)), {
      status: 403,
      code: "NOT_ENROLLED",
      lang: "fr",
    });
    const api = await callerAs(deps, stranger);
    expect(await trpcCodeOf(api.preassessment.status({ course_id: course.courseId }))).toBe("NOT_ENROLLED");
    expect(await trpcCodeOf(api.preassessment.answer({ course_id: course.courseId, ...answerBody(mine) }))).toBe(
      "NOT_ENROLLED",
    );
    expect(await responses()).toBe(0);
  });

  it("a private course not granted is 404 on status, start and answer, even to an enrolled learner", async () => {
    const state = await start();
    await deps.db.course.update({ where: { id: course.courseId }, data: { visibility: "private" } });
    await expectProblem(await learnerRequest(app, learner, "GET", path()), { status: 404, code: "NOT_FOUND" });
    await expectProblem(await post(learner, "/start"), { status: 404, code: "NOT_FOUND", lang: "fr" });
    await expectProblem(await post(learner, "/answer", answerBody(state)), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
    expect(await responses()).toBe(0);
  });

  it("a dropped enrollment stops an attempt in progress", async () => {
    const state = await start();
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: learner.userId, courseId: course.courseId } },
      data: { status: "dropped" },
    });
    await expectProblem(await post(learner, "/answer", answerBody(state)), {
      status: 403,
      code: "NOT_ENROLLED",
      lang: "fr",
    });
    expect((await post(learner, "/start")).status).toBe(403);
    expect(await responses()).toBe(0);
  });
});

describe("another learner's attempt", () => {
  it("is 404 over REST and tRPC; their status never shows it", async () => {
    const mine = await start();
    const other = await signIn(deps);
    await enroll(deps.db, other.userId, course.courseId);
    await expectProblem(await post(other, "/answer", answerBody(mine)), { status: 404, code: "NOT_FOUND", lang: "fr" });
    const api = await callerAs(deps, other, { lang: "fr" });
    expect(await trpcCodeOf(api.preassessment.answer({ course_id: course.courseId, ...answerBody(mine) }))).toBe(
      "NOT_FOUND",
    );
    expect((await api.preassessment.status({ course_id: course.courseId })).in_progress_attempt_id).toBeNull();
    expect(await responses()).toBe(0);
  });
});

describe("the answer key and replays", () => {
  it("questions carry no answer key, started, resumed or over tRPC", async () => {
    const KEYS = ["correct_option", "correct_index", "explanation", "correct"];
    const started = await (await post(learner, "/start")).text();
    const resumed = await (await post(learner, "/start")).text();
    const api = await callerAs(deps, learner, { lang: "fr" });
    const overTrpc = JSON.stringify(await api.preassessment.start({ course_id: course.courseId }));
    for (const text of [started, resumed, overTrpc]) expect(KEYS.filter((k) => text.includes(`"${k}"`))).toEqual([]);
  });

  it("the final answer replayed with another option gives the same result, stored once", async () => {
    const state = await start();
    let question = state.question;
    let last: { attempt_id: string; item_id: string; selected_option: number } | null = null;
    let result: unknown = null;
    while (question) {
      const key = await correctOptionOf(deps.db, question.id);
      last = { attempt_id: state.attempt.id, item_id: question.id, selected_option: key };
      const body = (await (await post(learner, "/answer", last)).json()) as {
        next_question: { id: string } | null;
        result: unknown;
      };
      question = body.next_question;
      result = body.result;
    }
    const known = await deps.db.userModuleProgress.count({
      where: { userId: learner.userId, testedOutAt: { not: null } },
    });
    const key = (last as { selected_option: number }).selected_option;
    const replay = await post(learner, "/answer", { ...last, selected_option: (key + 1) % 4 });
    expect(((await replay.json()) as { result: unknown }).result).toEqual(result);
    expect(await deps.db.coursePreassessmentResult.count()).toBe(1);
    expect(
      await deps.db.userModuleProgress.count({ where: { userId: learner.userId, testedOutAt: { not: null } } }),
    ).toBe(known);
  });

  it("is taken once: its answers showed their keys, so a second start is 409 PREASSESSMENT_TAKEN over REST and tRPC", async () => {
    const state = await start();
    let question = state.question;
    while (question) {
      const body = (await (await post(learner, "/answer", answerBody({ ...state, question }, 0))).json()) as {
        next_question: { id: string } | null;
      };
      question = body.next_question;
    }
    const status = (await (await learnerRequest(app, learner, "GET", path())).json()) as {
      available: boolean;
      latest_result: { attempt_id: string } | null;
    };
    expect(status).toMatchObject({ available: false, latest_result: { attempt_id: state.attempt.id } });
    await expectProblem(await post(learner, "/start"), { status: 409, code: "PREASSESSMENT_TAKEN", lang: "fr" });
    const api = await callerAs(deps, learner);
    expect(await trpcCodeOf(api.preassessment.start({ course_id: course.courseId }))).toBe("PREASSESSMENT_TAKEN");
    expect(await deps.db.quizAttempt.count({ where: { userId: learner.userId, kind: "preassessment" } })).toBe(1);
    // Another learner still starts their own.
    const other = await signIn(deps);
    await enroll(deps.db, other.userId, course.courseId);
    expect((await post(other, "/start")).status).toBe(200);
  });
});

describe("hostile input", () => {
  it("is refused with 400 (413 past the body limit), never 500, and records nothing", async () => {
    const state = await start();
    for (const body of [
      { ...answerBody(state), item_id: "x".repeat(100_000) },
      { ...answerBody(state), selected_option: -1e308 },
      { ...answerBody(state), known_module_ids: [course.moduleId, course.module2] },
      Array.from({ length: 500 }, () => answerBody(state)),
    ]) {
      expect((await post(learner, "/answer", body)).status).toBe(400);
    }
    expect((await post(learner, "/answer", { ...answerBody(state), pad: "p".repeat(1_100_000) })).status).toBe(413);
    expect(
      (await learnerRequest(app, learner, "GET", `/api/v1/courses/${"c".repeat(20_000)}/preassessment`)).status,
    ).toBe(400);
    expect(await responses()).toBe(0);
  });
});
