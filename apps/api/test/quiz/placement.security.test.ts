/**
 * Who placement must refuse, and what it must never give away or let be gamed: anonymous callers
 * (REST and tRPC), another learner's attempt over tRPC, the answer key before answering, a second
 * chance at an answered question or at the final answer, the cool-down dodged through ?domain= or
 * tRPC, and hostile input (400 or 413, never 500).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { materialiseQuizItems } from "../../../../packages/domain/src/learning/quiz/index.ts";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { type AttemptState, answerBody } from "./attempts.ts";

const { app, deps } = testApp();
const PLACEMENT = "/api/v1/users/me/placement";
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  learner = await signIn(deps);
  const course = await makeCourse(deps.db);
  await materialiseQuizItems(deps.db, await storeQuiz(deps.db, course.moduleId, { count: 20 }));
  const category = await deps.db.taxonomyCategory.create({
    data: { type: "domain", slug: "economie", labelFr: "Économie", labelEn: "Economics" },
  });
  await deps.db.courseTaxonomy.create({ data: { courseId: course.courseId, categoryId: category.id } });
});
afterAll(closeTestDeps);

const post = (user: SignedIn | null, path: string, body?: unknown) =>
  learnerRequest(app, user, "POST", path, { body, lang: "fr" });
async function start(user = learner, query = ""): Promise<AttemptState> {
  const res = await post(user, `${PLACEMENT}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AttemptState;
}
const attemptRow = (id: string) => deps.db.quizAttempt.findUniqueOrThrow({ where: { id } });
const levelOf = async (user: SignedIn) =>
  (await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } })).currentLevel;

/** Answers every question (correctly or not) until the test stops; the last answer's body. */
async function finish(state: AttemptState, correct: boolean) {
  let question = state.question;
  let last: { body: unknown; item: string } | null = null;
  while (question) {
    const key = await correctOptionOf(deps.db, question.id);
    const body = { attempt_id: state.attempt.id, item_id: question.id, selected_option: correct ? key : (key + 1) % 4 };
    const res = await post(learner, `${PLACEMENT}/answer`, body);
    const answer = (await res.json()) as { next_question: { id: string } | null };
    last = { body, item: question.id };
    question = answer.next_question;
  }
  return last as { body: { attempt_id: string; item_id: string; selected_option: number }; item: string };
}

describe("anonymous callers", () => {
  it("get 401 on the answer route and on every procedure, and no attempt is opened", async () => {
    const body = { attempt_id: crypto.randomUUID(), item_id: crypto.randomUUID(), selected_option: 0 };
    await expectProblem(await learnerRequest(app, null, "POST", `${PLACEMENT}/answer`, { body }), {
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const api = await callerAs(deps, null);
    expect(await trpcCodeOf(api.placement.status())).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.placement.start({}))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.placement.answer(body))).toBe("UNAUTHENTICATED");
    expect(await deps.db.quizAttempt.count()).toBe(0);
  });
});

describe("another learner's attempt", () => {
  it("is 404 over tRPC as over REST; their status never shows it and their start opens their own", async () => {
    const mine = await start();
    const other = await signIn(deps);
    const api = await callerAs(deps, other);
    expect(await trpcCodeOf(api.placement.answer(answerBody(mine)))).toBe("NOT_FOUND");
    expect((await api.placement.status()).in_progress_attempt_id).toBeNull();
    const theirs = await start(other);
    expect(theirs.attempt.id).not.toBe(mine.attempt.id);
    expect((await attemptRow(mine.attempt.id)).itemCount).toBe(0);
  });
});

describe("the answer key", () => {
  it("is absent from the started, resumed and tRPC questions", async () => {
    const KEYS = ["correct_option", "correct_index", "explanation", "correct"];
    const started = await post(learner, PLACEMENT);
    const resumed = await post(learner, PLACEMENT);
    const overTrpc = JSON.stringify(await (await callerAs(deps, learner)).placement.start({}));
    for (const text of [await started.text(), await resumed.text(), overTrpc]) {
      expect(KEYS.filter((k) => text.includes(`"${k}"`))).toEqual([]);
    }
  });
});

describe("the test cannot be gamed", () => {
  it("an answered question replayed with the right option keeps its first (wrong) grading", async () => {
    const state = await start();
    const key = await correctOptionOf(deps.db, state.question?.id as string);
    const first = await (await post(learner, `${PLACEMENT}/answer`, answerBody(state, (key + 1) % 4))).json();
    const retry = await post(learner, `${PLACEMENT}/answer`, answerBody(state, key));
    expect(await retry.json()).toEqual(first);
    const row = await attemptRow(state.attempt.id);
    expect([row.itemCount, row.correctCount]).toEqual([1, 0]);
  });

  it("the final answer replayed with another option leaves the level it assigned", async () => {
    const last = await finish(await start(), false);
    expect(await levelOf(learner)).toBe(1);
    const key = await correctOptionOf(deps.db, last.item);
    const replay = await post(learner, `${PLACEMENT}/answer`, { ...last.body, selected_option: key });
    expect(((await replay.json()) as { result_level: number }).result_level).toBe(1);
    expect(await levelOf(learner)).toBe(1);
  });

  it("the cool-down holds through ?domain= and through tRPC", async () => {
    await finish(await start(), true);
    await expectProblem(await post(learner, `${PLACEMENT}?domain=economie`), {
      status: 409,
      code: "PLACEMENT_COOLDOWN",
      lang: "fr",
    });
    expect(await trpcCodeOf((await callerAs(deps, learner)).placement.start({ domain: "economie" }))).toBe(
      "PLACEMENT_COOLDOWN",
    );
    expect(await deps.db.quizAttempt.count({ where: { userId: learner.userId } })).toBe(1);
  });

  it("holds from the test's start on the server when its answers replay as queued weeks ago", async () => {
    // Just inside the 30-day replay window: the cool-down (30 days) would end in 10 minutes.
    const queuedAt = new Date(Date.now() - 30 * 86_400_000 + 600_000).toISOString();
    const state = await start();
    let question = state.question;
    while (question) {
      const res = await learnerRequest(app, learner, "POST", `${PLACEMENT}/answer`, {
        body: { attempt_id: state.attempt.id, item_id: question.id, selected_option: 0 },
        headers: { "x-offline-queued-at": queuedAt },
      });
      expect(res.status).toBe(200);
      question = ((await res.json()) as { next_question: { id: string } | null }).next_question;
    }
    const retake = await post(learner, PLACEMENT);
    expect(retake.status).toBe(409);
    expect(Number(retake.headers.get("retry-after"))).toBeGreaterThan(29 * 86_400);
  });
});

describe("hostile input", () => {
  it("is refused with 400 (413 past the body limit), never 500, and records nothing", async () => {
    const state = await start();
    for (const body of [
      { ...answerBody(state), item_id: "i".repeat(100_000) },
      { ...answerBody(state), selected_option: Number.MAX_SAFE_INTEGER + 1 },
      { ...answerBody(state), selected_option: { $gt: -1 } },
      Array.from({ length: 1000 }, () => answerBody(state)),
    ]) {
      expect((await post(learner, `${PLACEMENT}/answer`, body)).status).toBe(400);
    }
    expect(
      (await post(learner, `${PLACEMENT}/answer`, { ...answerBody(state), x: "x".repeat(1_100_000) })).status,
    ).toBe(413);
    expect((await post(learner, `${PLACEMENT}?domain=${"a".repeat(50_000)}`)).status).toBe(400);
    expect(await deps.db.quizAttemptResponse.count()).toBe(0);
  });
});
