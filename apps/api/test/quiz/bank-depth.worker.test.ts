/**
 * Banks deep enough (decision 0050): a learner asking for a summative test of a module without a
 * quiz queues its generation; the real worker runs the offline generator over the course's indexed
 * text in both languages, and the bank holds at least 30 items per language spread over
 * difficulties 1-5 with recall and analysis items. The summative test then really serves 20 items.
 */
import { QUIZ_BANK_QUESTIONS } from "@sira/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctOptionOf } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { indexCourseText } from "./indexed-course.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "quiz");
let workers: TestWorkers;
const world = enrolledLearnerWorld(deps);

beforeAll(() => {
  workers = startTestWorkers(deps);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

interface Question {
  id: string;
}
interface State {
  attempt: { id: string; max_items: number };
  question: Question | null;
}

describe("a generated module bank", () => {
  it("holds 30 items per language over difficulties 1-5 and lets a summative test reach 20 items", async () => {
    const { courseId, moduleId } = world.course;
    await indexCourseText(deps, courseId);
    const path = `/api/v1/modules/${moduleId}/quiz?kind=summative`;
    const first = await send(world.learner, "GET", path, undefined, "fr");
    expect(first.status).toBe(409);
    expect(((await first.json()) as { code: string }).code).toBe("QUIZ_NOT_READY");

    const bankOf = (language: string) =>
      deps.db.generatedContent.findFirst({ where: { moduleId, unitId: null, contentType: "quiz", language } });
    const both = await until(
      async () => [await bankOf("fr"), await bankOf("en")],
      (rows) => rows.every((r) => r !== null),
      600,
    );
    expect(both.every((r) => r !== null)).toBe(true);

    const res = await send(world.learner, "GET", path, undefined, "fr");
    expect(res.status).toBe(200);
    const state = (await res.json()) as State;
    expect(state.attempt.max_items).toBe(20);

    const summary: string[] = [];
    for (const language of ["fr", "en"]) {
      const row = await bankOf(language);
      if (!row) throw new Error(`no ${language} bank`);
      expect(row.model).toBe("offline-extractive");
      const questions = (row.content as { questions: { difficulty: number; type: string }[] }).questions;
      const count = (f: (q: { difficulty: number; type: string }) => boolean) => questions.filter(f).length;
      summary.push(
        `${language}: ${questions.length} items; difficulties ${[1, 2, 3, 4, 5].map((d) => count((q) => q.difficulty === d)).join("/")}; recall ${count((q) => q.type === "recall")}, application ${count((q) => q.type === "application")}, analysis ${count((q) => q.type === "analysis")}`,
      );
      expect(questions.length).toBeGreaterThanOrEqual(QUIZ_BANK_QUESTIONS);
      for (const d of [1, 2, 3, 4, 5]) expect(count((q) => q.difficulty === d)).toBeGreaterThanOrEqual(5);
      expect(count((q) => q.type === "analysis")).toBeGreaterThanOrEqual(QUIZ_BANK_QUESTIONS / 5);
      expect(count((q) => q.type !== "analysis")).toBeGreaterThanOrEqual(QUIZ_BANK_QUESTIONS / 5);
    }
    process.stdout.write(`Generated module banks (offline generator, real worker)\n${summary.join("\n")}\n`);
    // The French bank is materialised for the learner: every generated question is an active item.
    const active = await deps.db.quizItem.count({
      where: { moduleId, language: "fr", preassessmentId: null, isActive: true },
    });
    expect(active).toBeGreaterThanOrEqual(QUIZ_BANK_QUESTIONS);

    // A learner who knows the answers of the first half and misses the second: the test runs to 20.
    let question = state.question;
    let answered = 0;
    interface Step {
      item_count: number;
      finished: boolean;
      next_question: Question | null;
    }
    let last: Step | null = null;
    while (question) {
      const key = await correctOptionOf(deps.db, question.id);
      const reply = await send(world.learner, "POST", `/api/v1/modules/${moduleId}/quiz/answer`, {
        attempt_id: state.attempt.id,
        item_id: question.id,
        selected_option: answered < 10 ? key : (key + 1) % 4,
      });
      expect(reply.status).toBe(200);
      const step = (await reply.json()) as Step;
      last = step;
      answered += 1;
      question = step.next_question;
    }
    expect(answered).toBe(20);
    expect(last).toMatchObject({ item_count: 20, finished: true });
  });
});
