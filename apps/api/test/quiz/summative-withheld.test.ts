/**
 * A summative test withholds correctness until it is submitted (decision 0049): not in the answer,
 * and neither in the attempt read back on resume, nor in the learner's data export, where the
 * attempt's count and estimate, each response and each answer's usage event would tell it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { learnerRequest } from "../learner-problems.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

interface Attempt {
  id: string;
  status: string;
  correct_count: number | null;
  theta: number | null;
  se: number | null;
}
interface State {
  attempt: Attempt;
  question: { id: string } | null;
}
interface Exported {
  kind: string;
  status: string;
  correct_count: number | null;
  theta: number | null;
  responses: { item_id: string; correct: boolean | null; theta_after: number | null; selected_option: number }[];
}
interface Export {
  quiz_attempts: Exported[];
  usage_events: { kind: string; metadata: { item_id?: string; correct?: boolean | null } }[];
}

const quizPath = () => `/api/v1/modules/${world.course.moduleId}/quiz`;

async function read(kind: "summative" | "formative"): Promise<State> {
  const res = await learnerRequest(app, world.learner, "GET", `${quizPath()}?kind=${kind}`, { lang: "fr" });
  expect(res.status).toBe(200);
  return (await res.json()) as State;
}

async function answerRight(state: State): Promise<void> {
  const item = state.question?.id as string;
  const res = await learnerRequest(app, world.learner, "POST", `${quizPath()}/answer`, {
    body: { attempt_id: state.attempt.id, item_id: item, selected_option: await correctOptionOf(deps.db, item) },
  });
  expect(res.status).toBe(200);
}

async function exported(): Promise<Export> {
  await deps.usage.flush();
  const res = await learnerRequest(app, world.learner, "GET", "/api/v1/users/me/export");
  expect(res.status).toBe(200);
  return (await res.json()) as Export;
}

describe("a summative test in progress", () => {
  it("tells its correctness neither on resume nor in the export, and tells it all once submitted", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { count: 30 });
    // A practice attempt beside it keeps its correctness in view: only the test is withheld.
    const practice = await read("formative");
    await answerRight(practice);

    const started = await read("summative");
    expect(started.attempt).toMatchObject({ correct_count: null, theta: null, se: null });
    await answerRight(started);
    const item = started.question?.id as string;

    const resumed = await read("summative");
    expect(resumed.attempt.id).toBe(started.attempt.id);
    expect(resumed.attempt).toMatchObject({ status: "in_progress", correct_count: null, theta: null, se: null });
    expect((await read("formative")).attempt).toMatchObject({ correct_count: 1 });

    const during = await exported();
    const test = during.quiz_attempts.find((a) => a.kind === "summative");
    expect(test).toMatchObject({ status: "in_progress", correct_count: null, theta: null });
    expect(test?.responses).toHaveLength(1);
    expect(test?.responses[0]).toMatchObject({ item_id: item, correct: null, theta_after: null });
    // What the learner chose stays theirs to read.
    expect(test?.responses[0]?.selected_option).toBe(await correctOptionOf(deps.db, item));
    const events = during.usage_events.filter((e) => e.kind === "quiz_answer");
    expect(events.find((e) => e.metadata.item_id === item)?.metadata.correct).toBeNull();
    expect(events.find((e) => e.metadata.item_id === practice.question?.id)?.metadata.correct).toBe(true);
    const formative = during.quiz_attempts.find((a) => a.kind === "formative");
    expect(formative?.correct_count).toBe(1);

    const submit = await learnerRequest(app, world.learner, "POST", `${quizPath()}/submit`, {
      body: { attempt_id: started.attempt.id },
    });
    expect(submit.status).toBe(200);
    const after = await exported();
    const done = after.quiz_attempts.find((a) => a.kind === "summative");
    expect(done).toMatchObject({ status: "submitted", correct_count: 1 });
    expect(done?.responses[0]?.correct).toBe(true);
    const answered = after.usage_events.find((e) => e.kind === "quiz_answer" && e.metadata.item_id === item);
    expect(answered?.metadata.correct).toBe(true);
  });
});
