/**
 * A module quiz under a demanding client: a summative test counts towards the gate only when it
 * was answered to its end (a client that stops and submits while ahead is not graded), and
 * answering a quiz is learning activity for the streak, once per answer however often it is sent,
 * on the day an offline replay says, but never before its attempt existed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeCard } from "../../../packages/domain/test/flashcards/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "learning-review-quiz");
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

interface State {
  attempt: { id: string };
  question: { id: string } | null;
}
const path = () => `/api/v1/modules/${world.course.moduleId}/quiz`;
const progress = () =>
  deps.db.userModuleProgress.findUnique({
    where: { userId_moduleId: { userId: world.learner.userId, moduleId: world.course.moduleId } },
  });

/** Starts an attempt of `kind` and answers up to `count` questions right; returns the attempt's id. */
async function answerRight(kind: "formative" | "summative", count: number): Promise<string> {
  const started = await send(world.learner, "GET", `${path()}?kind=${kind}`, undefined, "fr");
  expect(started.status).toBe(200);
  const state = (await started.json()) as State;
  let question = state.question;
  for (let i = 0; i < count && question; i++) {
    const res = await send(world.learner, "POST", `${path()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: question.id,
      selected_option: await correctOptionOf(deps.db, question.id),
    });
    expect(res.status).toBe(200);
    question = ((await res.json()) as { next_question: State["question"] }).next_question;
  }
  return state.attempt.id;
}

describe("a summative test submitted before its end", () => {
  it("is scored and shown, but does not count towards the module's quiz average", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    // Five right answers already put the expected domain score past 80: a client that reads the
    // served difficulties (or its flashcards) knows when it is ahead and stops there.
    const attemptId = await answerRight("summative", 5);
    const res = await send(world.learner, "POST", `${path()}/submit`, { attempt_id: attemptId });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { score: number; item_count: number };
    expect(result.item_count).toBe(5);
    expect(result.score).toBeGreaterThan(80);
    expect((await progress())?.quizScoreAvg ?? null).toBeNull();
  });

  it("answered to its end, counts", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const attemptId = await answerRight("summative", 20);
    const res = await send(world.learner, "POST", `${path()}/submit`, { attempt_id: attemptId });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { score: number; item_count: number };
    expect(result.item_count).toBe(20);
    expect((await progress())?.quizScoreAvg).toBe(result.score);
  });
});

describe("a quiz answer", () => {
  it("is learning activity: it starts the streak and moves last_active, a replay changes nothing", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const started = await send(world.learner, "GET", `${path()}?kind=formative`, undefined, "fr");
    const state = (await started.json()) as State;
    const body = { attempt_id: state.attempt.id, item_id: state.question?.id, selected_option: 0 };
    // Answered offline after the attempt started, sent later.
    const queuedAt = new Date();
    const answer = () =>
      app.request(`${path()}/answer`, {
        method: "POST",
        headers: {
          ...world.learner.headers,
          "content-type": "application/json",
          "x-offline-queued-at": queuedAt.toISOString(),
        },
        body: JSON.stringify(body),
      });
    expect((await answer()).status).toBe(200);
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } });
    expect(user.streakDays).toBe(1);
    expect(user.lastActive?.toISOString()).toBe(queuedAt.toISOString());
    expect((await answer()).status).toBe(200);
    expect(await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } })).toEqual(user);
  });

  it("counts for the streak never before its attempt existed: answers backdated a day apart make no run", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const started = await send(world.learner, "GET", `${path()}?kind=formative`, undefined, "fr");
    const state = (await started.json()) as State;
    const created = await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: state.attempt.id } });
    let question = state.question;
    for (let day = 1; day <= 4 && question; day++) {
      const res = await app.request(`${path()}/answer`, {
        method: "POST",
        headers: {
          ...world.learner.headers,
          "content-type": "application/json",
          "x-offline-queued-at": new Date(Date.now() - day * 86_400_000).toISOString(),
        },
        body: JSON.stringify({ attempt_id: state.attempt.id, item_id: question.id, selected_option: 0 }),
      });
      expect(res.status).toBe(200);
      question = ((await res.json()) as { next_question: State["question"] }).next_question;
    }
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } });
    expect(user.streakDays).toBe(1);
    expect(user.lastActive?.getTime()).toBeGreaterThanOrEqual(created.createdAt.getTime());
    expect(await deps.db.quizAttemptResponse.count({ where: { attemptId: state.attempt.id } })).toBe(4);
  });
});

describe("a summative answer", () => {
  it("reaches the flashcard of its concept only on submission: the card's memory cannot tell it was wrong before", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const started = await send(world.learner, "GET", `${path()}?kind=summative`, undefined, "fr");
    const state = (await started.json()) as State;
    const itemId = state.question?.id as string;
    const item = await deps.db.quizItem.findUniqueOrThrow({ where: { id: itemId } });
    const cardId = await makeCard(deps.db, world.course.moduleId, item.conceptKey as string);
    const wrong = ((await correctOptionOf(deps.db, itemId)) + 1) % 4;
    const res = await send(world.learner, "POST", `${path()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: itemId,
      selected_option: wrong,
    });
    expect(res.status).toBe(200);
    // The memory the deck and its delta sync would show the learner.
    const memory = () =>
      deps.db.flashcardReview.findUnique({ where: { userId_cardId: { userId: world.learner.userId, cardId } } });
    expect(await memory()).toBeNull();
    expect(await deps.db.flashcardReviewLog.count({ where: { cardId } })).toBe(0);

    const submitted = await send(world.learner, "POST", `${path()}/submit`, { attempt_id: state.attempt.id });
    expect(submitted.status).toBe(200);
    const logs = await deps.db.flashcardReviewLog.findMany({ where: { cardId } });
    expect(logs.map((l) => [l.rating, l.source])).toEqual([[1, "quiz"]]);
    expect((await memory())?.reps).toBe(1);
    // Submitting again feeds nothing more.
    expect((await send(world.learner, "POST", `${path()}/submit`, { attempt_id: state.attempt.id })).status).toBe(200);
    expect(await deps.db.flashcardReviewLog.count({ where: { cardId } })).toBe(1);
  });

  it("reaches the tutor's memory of the learner only on submission: the memory would quote the right option", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const started = await send(world.learner, "GET", `${path()}?kind=summative`, undefined, "fr");
    const state = (await started.json()) as State;
    const itemId = state.question?.id as string;
    const item = await deps.db.quizItem.findUniqueOrThrow({ where: { id: itemId } });
    const key = (item.options as string[])[item.correctOption] as string;
    const res = await send(world.learner, "POST", `${path()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: itemId,
      selected_option: (item.correctOption + 1) % 4,
    });
    expect(res.status).toBe(200);
    const memory = async () => {
      const read = await send(world.learner, "GET", `/api/v1/tutor/memory/${world.course.courseId}`);
      expect(read.status).toBe(200);
      return read.text();
    };
    expect(await memory()).not.toContain(key);
    expect((await send(world.learner, "POST", `${path()}/submit`, { attempt_id: state.attempt.id })).status).toBe(200);
    expect(await memory()).toContain(key);
  });
});
