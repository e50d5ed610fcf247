/**
 * Who the module quiz must refuse, and what it must never give away: anonymous callers, learners
 * of other courses, private courses not granted, a dropped enrollment mid-attempt, another
 * learner's attempt (REST and tRPC alike), the answer key before answering, a second chance at an
 * answered question, and hostile input (400 or 413, never 500).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enroll } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { type AttemptState, answerBody } from "./attempts.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);

beforeEach(async () => {
  await storeQuiz(deps.db, world.course.moduleId);
});
afterAll(closeTestDeps);

const quizPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/quiz`;
const post = (user: SignedIn | null, path: string, body: unknown, headers: Record<string, string> = {}) =>
  learnerRequest(app, user, "POST", path, { body, headers });

async function start(user = world.learner): Promise<AttemptState> {
  const res = await learnerRequest(app, user, "GET", quizPath(), { lang: "fr" });
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}
const attemptRow = (id: string) => deps.db.quizAttempt.findUniqueOrThrow({ where: { id } });

describe("anonymous callers", () => {
  it("get 401 on start, answer and submit, over REST and tRPC, and no attempt is opened", async () => {
    const body = { attempt_id: crypto.randomUUID(), item_id: crypto.randomUUID(), selected_option: 0 };
    await expectProblem(await learnerRequest(app, null, "GET", quizPath()), { status: 401, code: "UNAUTHENTICATED" });
    await expectProblem(await post(null, `${quizPath()}/answer`, body), { status: 401, code: "UNAUTHENTICATED" });
    await expectProblem(await post(null, `${quizPath()}/submit`, { attempt_id: body.attempt_id }), {
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const api = await callerAs(deps, null);
    expect(await trpcCodeOf(api.quiz.answer({ module_id: world.course.moduleId, ...body }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.quiz.submit({ module_id: world.course.moduleId, attempt_id: body.attempt_id }))).toBe(
      "UNAUTHENTICATED",
    );
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });
});

describe("another learner's course", () => {
  it("is 403 NOT_ENROLLED for answer and submit too, over REST and tRPC alike", async () => {
    const mine = await start();
    const stranger = await signIn(deps);
    await expectProblem(await post(stranger, `${quizPath()}/answer`, answerBody(mine)), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    await expectProblem(await post(stranger, `${quizPath()}/submit`, { attempt_id: mine.attempt.id }), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    const api = await callerAs(deps, stranger);
    expect(await trpcCodeOf(api.quiz.start({ module_id: world.course.moduleId, kind: "formative" }))).toBe(
      "NOT_ENROLLED",
    );
    expect(await trpcCodeOf(api.quiz.answer({ module_id: world.course.moduleId, ...answerBody(mine) }))).toBe(
      "NOT_ENROLLED",
    );
    expect((await attemptRow(mine.attempt.id)).itemCount).toBe(0);
    expect(await deps.db.quizAttempt.count({ where: { userId: stranger.userId } })).toBe(0);
  });

  it("a private course not granted is 404 even to a learner enrolled before it was hidden", async () => {
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { visibility: "private" } });
    await expectProblem(await learnerRequest(app, world.learner, "GET", quizPath()), {
      status: 404,
      code: "NOT_FOUND",
    });
    const api = await callerAs(deps, world.learner);
    expect(await trpcCodeOf(api.quiz.start({ module_id: world.course.moduleId, kind: "formative" }))).toBe("NOT_FOUND");
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });

  it("a dropped enrollment stops an attempt in progress: answer and submit are refused, nothing recorded", async () => {
    const state = await start();
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { status: "dropped" },
    });
    await expectProblem(await post(world.learner, `${quizPath()}/answer`, answerBody(state)), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    await expectProblem(await post(world.learner, `${quizPath()}/submit`, { attempt_id: state.attempt.id }), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    const row = await attemptRow(state.attempt.id);
    expect([row.itemCount, row.submittedAt]).toEqual([0, null]);
  });
});

describe("another learner's attempt", () => {
  it("is 404 over tRPC as over REST, and their own start opens their own attempt", async () => {
    const mine = await start();
    const other = await signIn(deps);
    await enroll(deps.db, other.userId, world.course.courseId);
    const api = await callerAs(deps, other);
    expect(await trpcCodeOf(api.quiz.answer({ module_id: world.course.moduleId, ...answerBody(mine) }))).toBe(
      "NOT_FOUND",
    );
    expect(await trpcCodeOf(api.quiz.submit({ module_id: world.course.moduleId, attempt_id: mine.attempt.id }))).toBe(
      "NOT_FOUND",
    );
    const theirs = await start(other);
    expect(theirs.attempt.id).not.toBe(mine.attempt.id);
    const row = await attemptRow(mine.attempt.id);
    expect([row.itemCount, row.submittedAt]).toEqual([0, null]);
  });
});

describe("the answer key", () => {
  const KEYS = ["correct_option", "correct_index", "correct", "explanation", "source"];
  const leaks = (text: string) => KEYS.filter((k) => text.includes(`"${k}"`));

  it("is absent from a resumed question and from the next question, and given only for the question answered", async () => {
    const state = await start();
    const res = await post(world.learner, `${quizPath()}/answer`, answerBody(state));
    const answered = (await res.json()) as { correct_option: number; next_question: Record<string, unknown> };
    expect(answered.correct_option).toBe(await correctOptionOf(deps.db, state.question?.id as string));
    expect(leaks(JSON.stringify(answered.next_question))).toEqual([]);
    const resumed = await learnerRequest(app, world.learner, "GET", quizPath());
    expect(leaks(await resumed.text())).toEqual([]);
    const api = await callerAs(deps, world.learner);
    const overTrpc = await api.quiz.start({ module_id: world.course.moduleId, kind: "formative" });
    expect(leaks(JSON.stringify(overTrpc))).toEqual([]);
  });

  it("a submitted review shows only the questions answered, not the one served and left unanswered", async () => {
    const state = await start();
    const first = (await (await post(world.learner, `${quizPath()}/answer`, answerBody(state))).json()) as {
      next_question: { id: string };
    };
    const res = await post(world.learner, `${quizPath()}/submit`, { attempt_id: state.attempt.id });
    const result = (await res.json()) as { review: { item_id: string }[] };
    expect(result.review.map((r) => r.item_id)).toEqual([state.question?.id]);
    expect(JSON.stringify(result)).not.toContain(first.next_question.id);
  });
});

describe("replays never count twice", () => {
  it("an answered question replayed with another option keeps its first grading", async () => {
    const state = await start();
    const key = await correctOptionOf(deps.db, state.question?.id as string);
    const wrong = (key + 1) % 4;
    const first = (await (await post(world.learner, `${quizPath()}/answer`, answerBody(state, wrong))).json()) as {
      correct: boolean;
    };
    expect(first.correct).toBe(false);
    const retry = await post(world.learner, `${quizPath()}/answer`, answerBody(state, key));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(first);
    const row = await attemptRow(state.attempt.id);
    expect([row.itemCount, row.correctCount]).toEqual([1, 0]);
  });

  it("the same answer sent twice at once counts once", async () => {
    const state = await start();
    const [a, b] = await Promise.all([
      post(world.learner, `${quizPath()}/answer`, answerBody(state)),
      post(world.learner, `${quizPath()}/answer`, answerBody(state)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await a.json()).toEqual(await b.json());
    expect((await attemptRow(state.attempt.id)).itemCount).toBe(1);
    expect(await deps.db.quizAttemptResponse.count({ where: { attemptId: state.attempt.id } })).toBe(1);
  });

  it("an offline answer replayed with its Idempotency-Key is answered from the first, once", async () => {
    const state = await start();
    const headers = {
      "idempotency-key": "offline-quiz-answer-0001",
      "x-offline-queued-at": new Date(Date.now() - 600_000).toISOString(),
    };
    const first = await post(world.learner, `${quizPath()}/answer`, answerBody(state), headers);
    const replay = await post(world.learner, `${quizPath()}/answer`, answerBody(state), headers);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await first.json());
    expect(await deps.db.quizAttemptResponse.count({ where: { attemptId: state.attempt.id } })).toBe(1);
  });
});

describe("hostile input", () => {
  it("is refused with 400 (413 past the body limit), never 500, and records nothing", async () => {
    const state = await start();
    const bodies: unknown[] = [
      { ...answerBody(state), item_id: "a".repeat(100_000) },
      { ...answerBody(state), selected_option: 1e308 },
      { ...answerBody(state), selected_option: [0, 1, 2, 3] },
      { ...answerBody(state), attempt_id: [state.attempt.id, state.attempt.id] },
      [answerBody(state), answerBody(state)],
      "0",
    ];
    for (const body of bodies) {
      const res = await post(world.learner, `${quizPath()}/answer`, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect(
      (await post(world.learner, `${quizPath()}/answer`, { ...answerBody(state), pad: "x".repeat(1_100_000) })).status,
    ).toBe(413);
    expect((await learnerRequest(app, world.learner, "GET", `${quizPath()}?kind=${"f".repeat(10_000)}`)).status).toBe(
      400,
    );
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });
});
