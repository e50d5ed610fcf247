/**
 * The module quiz over REST: start/resume without the answer key, answers checked against the
 * current item (replays are harmless), adaptive selection, stop at 10 items, submit (idempotent)
 * with a reproducible score; errors (409s, 400) and who may take it (401, 403, 404, 423).
 */
import { difficultyToLogit, estimateAbility, expectedScore, SCORE_PRIOR } from "@sira/algorithms";
import { getQueue } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { reproduceAttempt } from "../../../../packages/domain/src/learning/quiz/index.ts";
import { enroll, indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { addModule, correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, signIn, testApp } from "../helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "quiz");
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

interface Question {
  id: string;
  position: number;
  stem: string;
  options: string[];
  difficulty: number;
}
interface State {
  attempt: { id: string; kind: string; item_count: number; max_items: number; theta: number; se: number | null };
  question: Question | null;
  finished: boolean;
}
interface Answer {
  correct: boolean;
  correct_option: number;
  explanation: string;
  source: { source: string } | null;
  next_question: Question | null;
  theta: number;
  se: number;
  item_count: number;
  finished: boolean;
}

const quizPath = (moduleId = world.course.moduleId) => `/api/v1/modules/${moduleId}/quiz`;

async function start(user = world.learner, query = ""): Promise<State> {
  const res = await send(user, "GET", `${quizPath()}${query}`, undefined, "fr");
  expect(res.status).toBe(200);
  return (await res.json()) as State;
}

async function answer(state: { attemptId: string; question: Question }, correct: boolean, user = world.learner) {
  const key = await correctOptionOf(deps.db, state.question.id);
  const res = await send(user, "POST", `${quizPath()}/answer`, {
    attempt_id: state.attemptId,
    item_id: state.question.id,
    selected_option: correct ? key : (key + 1) % 4,
    duration_ms: 4000,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

describe("GET /api/v1/modules/{id}/quiz", () => {
  it("starts an attempt from the cached quiz and serves the question without its answer key", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const res = await send(world.learner, "GET", quizPath(), undefined, "fr");
    const text = await res.text();
    expect(res.status).toBe(200);
    for (const key of ["correct_option", "correct_index", "correctOption", "explanation", "correct"]) {
      expect(text).not.toContain(`"${key}"`);
    }
    const state = JSON.parse(text) as State;
    expect(state.attempt).toMatchObject({ kind: "formative", item_count: 0, max_items: 10, theta: 0, se: null });
    expect(state.question?.options).toHaveLength(4);
    expect(state.question?.position).toBe(1);
    // θ = 0 starts at difficulty 3 (logit 0), inside the ±0.5 window.
    expect(state.question?.difficulty).toBe(3);
    const items = await deps.db.quizItem.count({ where: { moduleId: world.course.moduleId, isActive: true } });
    expect(items).toBe(15);
    const again = await start();
    expect(again.attempt.id).toBe(state.attempt.id);
    expect(again.question?.id).toBe(state.question?.id);
  });

  it("starts a summative attempt of 20 items apart from the formative one", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 20 });
    const formative = await start();
    const summative = await start(world.learner, "?kind=summative");
    expect(summative.attempt.max_items).toBe(20);
    expect(summative.attempt.id).not.toBe(formative.attempt.id);
  });

  it("two concurrent starts share one attempt", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.attempt.id).toBe(b.attempt.id);
    expect(await deps.db.quizAttempt.count({ where: { userId: world.learner.userId } })).toBe(1);
  });

  it("uses another level's quiz in the same language when the learner's is not cached", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { level: 3, country: "CI" });
    const state = await start();
    expect(state.question).not.toBeNull();
  });

  it("serves items in the learner's language: a French learner is not given the English quiz", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    await storeQuiz(deps.db, world.course.moduleId, { language: "en", marker: "E" });
    const notReady = await send(world.learner, "GET", quizPath(), undefined, "fr");
    expect(notReady.status).toBe(409);
    expect(((await notReady.json()) as { code: string }).code).toBe("QUIZ_NOT_READY");

    await storeQuiz(deps.db, world.course.moduleId, { language: "fr", marker: "F" });
    const fr = await start();
    const served = await deps.db.quizItem.findUniqueOrThrow({
      where: { id: fr.question?.id as string },
      select: { language: true },
    });
    expect(served.language).toBe("fr");
    expect(fr.question?.stem).toMatch(/^Question F\d+ : /);

    const english = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, english.userId, world.course.courseId);
    const res = await send(english, "GET", quizPath(), undefined, "en");
    expect(res.status).toBe(200);
    const en = (await res.json()) as State;
    expect(en.question?.stem).toMatch(/^Question \(en\) E\d+ : /);
  });

  it("answers 409 QUIZ_NOT_READY with Retry-After and queues one generation when no quiz exists", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const res = await send(world.learner, "GET", quizPath(), undefined, "fr");
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBeTruthy();
    const body = (await res.json()) as { code: string; retry_after: number };
    expect(body.code).toBe("QUIZ_NOT_READY");
    const jobs = await getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX }).getJobs(["waiting"]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({
      key: { moduleId: world.course.moduleId, unitId: null, contentType: "quiz" },
    });
  });

  it("answers 409 NO_INDEXED_CONTENT when nothing can be generated", async () => {
    const res = await send(world.learner, "GET", quizPath(), undefined, "fr");
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("NO_INDEXED_CONTENT");
  });

  it("refuses a bad kind (400)", async () => {
    const res = await send(world.learner, "GET", `${quizPath()}?kind=final`);
    expect(res.status).toBe(400);
  });
});

describe("POST /api/v1/modules/{id}/quiz/answer and /submit", () => {
  it("adapts, stops at 10 items, submits once and the score can be reproduced", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 20 });
    const first = await start();
    let question = first.question as Question;
    const seen = new Set<string>();
    let last: Answer | undefined;
    let previousTheta = 0;
    for (let i = 0; i < 10; i++) {
      seen.add(question.id);
      const right = i !== 3;
      last = await answer({ attemptId: first.attempt.id, question }, right);
      expect(last.correct).toBe(right);
      expect(last.explanation).toContain("Explication");
      expect(last.source?.source).toBe("economie.pdf");
      expect(last.item_count).toBe(i + 1);
      if (right) expect(last.theta).toBeGreaterThan(previousTheta);
      else expect(last.theta).toBeLessThan(previousTheta);
      previousTheta = last.theta;
      if (i < 9) {
        expect(last.finished).toBe(false);
        question = last.next_question as Question;
        expect(seen.has(question.id)).toBe(false);
        expect(question).not.toHaveProperty("correct_option");
      }
    }
    expect(last?.finished).toBe(true);
    expect(last?.next_question).toBeNull();

    const submit = () => send(world.learner, "POST", `${quizPath()}/submit`, { attempt_id: first.attempt.id });
    const res = await submit();
    expect(res.status).toBe(200);
    const result = (await res.json()) as {
      score: number;
      raw_score: number;
      score_se: number;
      theta: number;
      se: number;
      review: {
        correct_option: number;
        selected_option: number;
        explanation: string;
        difficulty: number;
        correct: boolean;
      }[];
    };
    expect(result.raw_score).toBe(90);
    // The gate's score is the expected domain score over the module's bank at the estimate (decision 0049).
    const bank = await deps.db.quizItem.findMany({ where: { moduleId: world.course.moduleId, isActive: true } });
    const scoringTheta = estimateAbility(
      result.review.map((r) => ({ b: difficultyToLogit(r.difficulty), correct: r.correct })),
      SCORE_PRIOR,
    ).theta;
    expect(result.score).toBe(
      expectedScore(
        scoringTheta,
        bank.map((i) => difficultyToLogit(i.difficulty)),
      ),
    );
    expect(result.score_se).toBeGreaterThan(0);
    expect(result.review).toHaveLength(10);
    expect(result.review[3]?.selected_option).not.toBe(result.review[3]?.correct_option);
    expect(result.theta).toBeCloseTo(last?.theta as number, 10);
    expect(result.se).toBeCloseTo(last?.se as number, 10);

    const again = (await (await submit()).json()) as typeof result;
    expect(again).toEqual(result);
    const progress = await deps.db.userModuleProgress.findUnique({
      where: { userId_moduleId: { userId: world.learner.userId, moduleId: world.course.moduleId } },
    });
    // A formative quiz is practice: it grades nothing, so the gate's average stays unset (decision 0053).
    expect(progress?.quizScoreAvg ?? null).toBeNull();

    const reproduced = await reproduceAttempt(deps.db, first.attempt.id);
    expect(reproduced.score).toBe(result.score);
    expect(reproduced.rawScore).toBe(90);
    expect(reproduced.theta).toBeCloseTo(result.theta, 12);
    expect(reproduced.se).toBeCloseTo(result.se, 12);
    const exposures = await deps.db.quizItem.aggregate({
      where: { moduleId: world.course.moduleId },
      _sum: { exposureCount: true },
    });
    expect(exposures._sum.exposureCount).toBe(10);
  });

  it("a replayed answer returns the same result without counting twice; a stale item is 409 ITEM_NOT_CURRENT", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    const question = state.question as Question;
    const one = await answer({ attemptId: state.attempt.id, question }, true);
    const two = await answer({ attemptId: state.attempt.id, question }, true);
    expect(two).toEqual(one);
    const attempt = await deps.db.quizAttempt.findUniqueOrThrow({ where: { id: state.attempt.id } });
    expect(attempt.itemCount).toBe(1);
    expect(attempt.correctCount).toBe(1);
    const other = await deps.db.quizItem.findFirstOrThrow({
      where: { moduleId: world.course.moduleId, id: { notIn: [question.id, (one.next_question as Question).id] } },
    });
    const res = await send(world.learner, "POST", `${quizPath()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: other.id,
      selected_option: 0,
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("ITEM_NOT_CURRENT");
  });

  it("records an offline answer at its queued time", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    const queuedAt = new Date(Date.now() - 3 * 3600_000);
    queuedAt.setMilliseconds(0);
    const res = await app.request(`${quizPath()}/answer`, {
      method: "POST",
      headers: {
        ...world.learner.headers,
        "content-type": "application/json",
        "x-offline-queued-at": queuedAt.toISOString(),
      },
      body: JSON.stringify({ attempt_id: state.attempt.id, item_id: state.question?.id, selected_option: 0 }),
    });
    expect(res.status).toBe(200);
    const response = await deps.db.quizAttemptResponse.findFirstOrThrow({ where: { attemptId: state.attempt.id } });
    expect(response.answeredAt.toISOString()).toBe(queuedAt.toISOString());
  });

  it("refuses answers to a submitted attempt (409 ATTEMPT_FINISHED) and invalid bodies (400)", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const state = await start();
    await send(world.learner, "POST", `${quizPath()}/submit`, { attempt_id: state.attempt.id });
    const late = await send(world.learner, "POST", `${quizPath()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: state.question?.id,
      selected_option: 1,
    });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { code: string }).code).toBe("ATTEMPT_FINISHED");
    const bad = await send(world.learner, "POST", `${quizPath()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: state.question?.id,
      selected_option: 4,
    });
    expect(bad.status).toBe(400);
    const zero = await send(world.learner, "POST", `${quizPath()}/submit`, { attempt_id: state.attempt.id });
    expect(((await zero.json()) as { score: number }).score).toBe(0);
  });
});

describe("who may take a module quiz", () => {
  it("401 anonymous, 403 not enrolled, 404 unknown module or another learner's attempt, 423 locked module", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const anonymous = await app.request(quizPath());
    expect(anonymous.status).toBe(401);

    const stranger = await signIn(deps, { role: "learner" });
    const notEnrolled = await send(stranger, "GET", quizPath());
    expect(notEnrolled.status).toBe(403);
    expect(((await notEnrolled.json()) as { code: string }).code).toBe("NOT_ENROLLED");

    const unknown = await send(world.learner, "GET", quizPath(crypto.randomUUID()));
    expect(unknown.status).toBe(404);

    const mine = await start();
    await enroll(deps.db, stranger.userId, world.course.courseId);
    const theirs = await send(stranger, "POST", `${quizPath()}/answer`, {
      attempt_id: mine.attempt.id,
      item_id: mine.question?.id,
      selected_option: 0,
    });
    expect(theirs.status).toBe(404);
    const theirSubmit = await send(stranger, "POST", `${quizPath()}/submit`, { attempt_id: mine.attempt.id });
    expect(theirSubmit.status).toBe(404);

    const second = await addModule(deps.db, world.course.courseId);
    await storeQuiz(deps.db, second);
    const locked = await send(world.learner, "GET", quizPath(second));
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as { code: string }).code).toBe("MODULE_LOCKED");
  });
});
