/**
 * Honest retakes (decision 0049) through the API: a formative answer carries its key and
 * explanation, a summative one carries neither (they come with the submitted review); a retake is
 * served items the learner has not seen in earlier attempts while any remain; a summative retake
 * waits quiz.summative_cooldown_hours and is refused before with 409 QUIZ_COOLDOWN in French and
 * English, with Retry-After and retry_at.
 */
import { afterAll, describe, expect, it } from "vitest";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "../helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "retakes");
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

interface Question {
  id: string;
}
interface State {
  attempt: { id: string };
  question: Question | null;
}
interface AnswerResult {
  feedback: string;
  correct: boolean | null;
  correct_option: number | null;
  explanation: string | null;
  theta: number | null;
  next_question: Question | null;
  finished: boolean;
}

const path = () => `/api/v1/modules/${world.course.moduleId}/quiz`;

async function start(kind: "formative" | "summative", lang = "fr"): Promise<Response> {
  return send(world.learner, "GET", `${path()}?kind=${kind}`, undefined, lang);
}

/**
 * Takes a whole attempt (right answers), submits it (with `submitHeaders`, such as an offline
 * replay's), and returns the items served in order and the answers.
 */
async function sitAndSubmit(kind: "formative" | "summative", submitHeaders: Record<string, string> = {}) {
  const res = await start(kind);
  expect(res.status).toBe(200);
  const state = (await res.json()) as State;
  const served: string[] = [];
  const answers: { text: string; body: AnswerResult }[] = [];
  let question = state.question;
  while (question) {
    served.push(question.id);
    const reply = await send(world.learner, "POST", `${path()}/answer`, {
      attempt_id: state.attempt.id,
      item_id: question.id,
      selected_option: await correctOptionOf(deps.db, question.id),
    });
    expect(reply.status).toBe(200);
    const text = await reply.text();
    const body = JSON.parse(text) as AnswerResult;
    answers.push({ text, body });
    question = body.finished ? null : body.next_question;
  }
  const submitted = await app.request(`${path()}/submit`, {
    method: "POST",
    headers: { ...world.learner.headers, "content-type": "application/json", ...submitHeaders },
    body: JSON.stringify({ attempt_id: state.attempt.id }),
  });
  expect(submitted.status).toBe(200);
  const result = (await submitted.json()) as {
    score: number;
    raw_score: number;
    review: { correct_option: number; explanation: string }[];
  };
  return { served, answers, result };
}

describe("feedback", () => {
  it("a formative answer shows the key and the explanation at once", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const { answers } = await sitAndSubmit("formative");
    expect(answers).toHaveLength(10);
    for (const { body } of answers) {
      expect(body.feedback).toBe("immediate");
      expect(body.correct).toBe(true);
      expect(body.correct_option).not.toBeNull();
      expect(body.explanation).toContain("Explication");
      expect(body.theta).not.toBeNull();
    }
  });

  it("a summative answer shows neither key, correctness nor explanation; the submitted review shows them", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const { answers, result } = await sitAndSubmit("summative");
    expect(answers).toHaveLength(20);
    for (const { text, body } of answers) {
      expect(body).toMatchObject({
        feedback: "after_submission",
        correct: null,
        correct_option: null,
        explanation: null,
        theta: null,
      });
      expect(text).not.toContain("Explication");
    }
    expect(result.raw_score).toBe(100);
    expect(result.review).toHaveLength(20);
    for (const r of result.review) {
      expect(r.correct_option).toBeGreaterThanOrEqual(0);
      expect(r.explanation).toContain("Explication");
    }
  });
});

describe("retakes", () => {
  it("prefer items not seen in the learner's earlier attempts, and repeat only once none is left", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const first = await sitAndSubmit("formative");
    const second = await sitAndSubmit("formative");
    const third = await sitAndSubmit("formative");
    const all = [...first.served, ...second.served, ...third.served];
    // 30 items, three formative attempts of 10: every item once.
    expect(new Set(all).size).toBe(30);
    const fourth = await sitAndSubmit("formative");
    expect(fourth.served).toHaveLength(10);
    expect(fourth.served.every((id) => all.includes(id))).toBe(true);
  });

  it("a summative retake after formative attempts is served the items the formative ones left", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const formative = await sitAndSubmit("formative");
    const summative = await sitAndSubmit("summative");
    expect(summative.served).toHaveLength(20);
    expect(summative.served.filter((id) => formative.served.includes(id))).toEqual([]);
  });

  it("a summative retake waits the cool-down: 409 QUIZ_COOLDOWN with Retry-After and retry_at, in French and English", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    await sitAndSubmit("summative");
    const submittedAt = (
      await deps.db.quizAttempt.findFirstOrThrow({
        where: { userId: world.learner.userId, kind: "summative", status: "submitted" },
      })
    ).submittedAt as Date;
    for (const lang of ["fr", "en"]) {
      const res = await start("summative", lang);
      expect(res.status).toBe(409);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(23 * 3600);
      expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
      const problem = (await res.json()) as { code: string; detail: string; retry_at: string };
      expect(problem.code).toBe("QUIZ_COOLDOWN");
      expect(problem.retry_at).toBe(new Date(submittedAt.getTime() + 24 * 3_600_000).toISOString());
      expect(problem.detail).toContain(
        lang === "fr" ? "Vous avez passé ce test récemment" : "You took this test recently",
      );
    }
    expect(await deps.db.quizAttempt.count({ where: { userId: world.learner.userId, kind: "summative" } })).toBe(1);
    // Formative practice stays open during the cool-down.
    expect((await start("formative")).status).toBe(200);
    // The cool-down is a platform setting: at 0 it no longer stands in the way. The retake then
    // waits for new items only: 10 of the 30 are left unseen, too few for a test (decision 0067).
    await deps.db.platformSetting.create({ data: { key: "quiz.summative_cooldown_hours", value: 0 } });
    try {
      const res = await start("summative");
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe("QUIZ_NOT_READY");
    } finally {
      await deps.db.platformSetting.delete({ where: { key: "quiz.summative_cooldown_hours" } });
    }
  });
  it("a summative submitted as if queued offline a day ago still waits the cool-down from when the server began it", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    const dayAgo = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await sitAndSubmit("summative", { "x-offline-queued-at": dayAgo });
    const attempt = await deps.db.quizAttempt.findFirstOrThrow({
      where: { userId: world.learner.userId, kind: "summative", status: "submitted" },
    });
    // The replayed time is kept as the submission's own...
    expect(attempt.submittedAt?.toISOString()).toBe(dayAgo);
    // ...but the retake waits from the attempt's start on the server.
    const res = await start("summative");
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { code: string; retry_at: string };
    expect(problem.code).toBe("QUIZ_COOLDOWN");
    expect(problem.retry_at).toBe(new Date(attempt.createdAt.getTime() + 24 * 3_600_000).toISOString());
  });
});
