/**
 * A summative test the learner never submits (decision 0066): left a day without an answer, it is
 * closed as abandoned when next touched (a new start, an answer or a submission), never graded, and
 * its answers feed the concepts' flashcards and its wrong ones the tutor's memory, once, whatever
 * retries, replays or concurrent requests follow. Its retake waits the cool-down from its last
 * answer (decision 0067).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { conceptKeyOf } from "../../../../packages/domain/src/learning/flashcards/index.ts";
import {
  answerModuleQuiz,
  startModuleQuiz,
  submitModuleQuiz,
} from "../../../../packages/domain/src/learning/quiz/index.ts";
import {
  closeIdleSummativeAttempts,
  closeIfIdle,
  SUMMATIVE_IDLE_LIMIT_MS,
} from "../../../../packages/domain/src/learning/quiz/module-quiz.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { schedules } from "../../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";

const { deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

// Ahead of the server's clock: a retake's cool-down never runs from before the attempt was created (0064).
const T0 = new Date(Date.now() + 10 * 60_000);
const later = (ms: number) => new Date(T0.getTime() + ms);
const learner = () => ({
  viewer: { userId: world.learner.userId, role: "learner" as const },
  language: "fr" as const,
  country: "SN",
});

beforeEach(async () => {
  // A bank deep enough for a new test after an abandoned one: its items are not served again (0067).
  await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
  // The module's deck: one card per concept of the bank (its items are made when a test starts).
  for (let n = 1; n <= 30; n++) {
    const conceptKey = conceptKeyOf(`Concept Q ${n}`);
    await deps.db.flashcard.create({
      data: {
        moduleId: world.course.moduleId,
        conceptKey,
        termFr: conceptKey,
        definitionFr: "Déf.",
        definitionEn: "Def.",
      },
    });
  }
});

/** Starts a summative test at T0 and answers `count` questions wrong, a minute apart. */
async function answerWrong(count: number): Promise<string> {
  const state = await startModuleQuiz(deps, learner(), world.course.moduleId, "summative", T0);
  let question = state.question;
  for (let i = 0; i < count && question; i++) {
    const wrong = ((await correctOptionOf(deps.db, question.id)) + 1) % 4;
    const result = await answerModuleQuiz(
      deps,
      learner(),
      world.course.moduleId,
      { attempt_id: state.attempt.id, item_id: question.id, selected_option: wrong },
      later((i + 1) * 60_000),
    );
    question = result.next_question;
  }
  return state.attempt.id;
}

const quizReviews = () => deps.db.flashcardReviewLog.count({ where: { userId: world.learner.userId, source: "quiz" } });
async function misconceptions(): Promise<number> {
  const memory = await deps.db.learnerMemory.findFirst({ where: { userId: world.learner.userId } });
  return Array.isArray(memory?.misconceptions) ? memory.misconceptions.length : 0;
}

describe("a summative test left unsubmitted", () => {
  it("is resumed within the idle limit, and feeds nothing until then", async () => {
    const attemptId = await answerWrong(3);
    expect(await quizReviews()).toBe(0);
    const state = await startModuleQuiz(
      deps,
      learner(),
      world.course.moduleId,
      "summative",
      later(SUMMATIVE_IDLE_LIMIT_MS),
    );
    expect(state.attempt.id).toBe(attemptId);
    expect(await quizReviews()).toBe(0);
    expect(await misconceptions()).toBe(0);
  });

  it("closes as abandoned when a new test starts past the limit: ungraded, its wrong answers fed once", async () => {
    const attemptId = await answerWrong(3);
    const past = later(SUMMATIVE_IDLE_LIMIT_MS + 5 * 60_000);
    const next = await startModuleQuiz(deps, learner(), world.course.moduleId, "summative", past);
    expect(next.attempt.id).not.toBe(attemptId);
    const closed = await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } });
    expect(closed).toMatchObject({ status: "abandoned", score: null, submittedAt: null, currentItemId: null });
    const logs = await deps.db.flashcardReviewLog.findMany({ where: { userId: world.learner.userId } });
    expect(logs).toHaveLength(3);
    expect(logs.every((l) => l.rating === 1 && l.source === "quiz")).toBe(true);
    expect(await misconceptions()).toBe(3);

    // Retries and replays find it closed: nothing is fed twice, and it is never graded.
    expect(await closeIfIdle(deps, world.learner.userId, attemptId, past)).toBe(false);
    await expect(submitModuleQuiz(deps, learner(), world.course.moduleId, attemptId, past)).rejects.toMatchObject({
      code: "ATTEMPT_FINISHED",
    });
    expect(await quizReviews()).toBe(3);
    expect(await misconceptions()).toBe(3);
  });

  it("closes once when a late submission and a new start race: 409 for the submission, fed once", async () => {
    const attemptId = await answerWrong(2);
    const past = later(2 * SUMMATIVE_IDLE_LIMIT_MS);
    const [submitted, started] = await Promise.allSettled([
      submitModuleQuiz(deps, learner(), world.course.moduleId, attemptId, past),
      startModuleQuiz(deps, learner(), world.course.moduleId, "summative", past),
      closeIfIdle(deps, world.learner.userId, attemptId, past),
    ]);
    expect(submitted).toMatchObject({ status: "rejected", reason: { code: "ATTEMPT_FINISHED" } });
    expect(started.status).toBe("fulfilled");
    expect((await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } })).status).toBe("abandoned");
    expect(await quizReviews()).toBe(2);
    expect(await misconceptions()).toBe(2);
  });

  it("refuses a late answer with ATTEMPT_FINISHED after feeding the earlier ones", async () => {
    const attemptId = await answerWrong(1);
    const current = await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } });
    const past = later(SUMMATIVE_IDLE_LIMIT_MS + 60_000 + 1);
    await expect(
      answerModuleQuiz(
        deps,
        learner(),
        world.course.moduleId,
        { attempt_id: attemptId, item_id: current.currentItemId as string, selected_option: 0 },
        past,
      ),
    ).rejects.toMatchObject({ code: "ATTEMPT_FINISHED" });
    expect(await quizReviews()).toBe(1);
    expect(await deps.db.quizAttemptResponse.count({ where: { attemptId } })).toBe(1);
  });

  it("is closed by the hourly job when the learner never comes back, and fed once however often it runs", async () => {
    expect(schedules.some((s) => s.name === "close-idle-quiz-attempts")).toBe(true);
    const attemptId = await answerWrong(2);
    // Within the limit the job leaves it running.
    expect(await closeIdleSummativeAttempts(deps, later(SUMMATIVE_IDLE_LIMIT_MS))).toEqual({ closed: 0 });
    const past = later(SUMMATIVE_IDLE_LIMIT_MS + 3 * 60_000);
    const runs = await Promise.all([closeIdleSummativeAttempts(deps, past), closeIdleSummativeAttempts(deps, past)]);
    expect(runs.map((r) => r.closed).sort()).toEqual([0, 1]);
    expect(await closeIdleSummativeAttempts(deps, past)).toEqual({ closed: 0 });
    expect((await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: attemptId } })).status).toBe("abandoned");
    expect(await quizReviews()).toBe(2);
    expect(await misconceptions()).toBe(2);
  });

  it("starts the cool-down from its last answer, as a submitted test would, not from when it was closed", async () => {
    // Above a day, the cool-down outlasts the idle limit: an abandoned test used to open a retake sooner.
    await deps.db.platformSetting.create({ data: { key: "quiz.summative_cooldown_hours", value: 72 } });
    try {
      // Times from now on: the cool-down never runs from before the server created the attempt (0064).
      const base = new Date(Date.now() + 60_000);
      const at = (ms: number) => new Date(base.getTime() + ms);
      const state = await startModuleQuiz(deps, learner(), world.course.moduleId, "summative", base);
      let question = state.question;
      for (let i = 1; i <= 3 && question; i++) {
        const result = await answerModuleQuiz(
          deps,
          learner(),
          world.course.moduleId,
          { attempt_id: state.attempt.id, item_id: question.id, selected_option: 0 },
          at(i * 10 * 60_000),
        );
        question = result.next_question;
      }
      const lastAnswer = at(30 * 60_000);
      // The hourly job closes it well after the idle limit.
      await closeIdleSummativeAttempts(deps, at(40 * 3_600_000));
      expect((await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: state.attempt.id } })).status).toBe(
        "abandoned",
      );
      const retryAt = new Date(lastAnswer.getTime() + 72 * 3_600_000).toISOString();
      await expect(
        startModuleQuiz(deps, learner(), world.course.moduleId, "summative", at(48 * 3_600_000)),
      ).rejects.toMatchObject({ code: "QUIZ_COOLDOWN", extensions: { retry_at: retryAt } });
      const next = await startModuleQuiz(deps, learner(), world.course.moduleId, "summative", new Date(retryAt));
      expect(next.attempt.id).not.toBe(state.attempt.id);
    } finally {
      await deps.db.platformSetting.delete({ where: { key: "quiz.summative_cooldown_hours" } });
    }
  });
});
