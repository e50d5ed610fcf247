/**
 * Placement over REST: a 12-item CAT over published, public courses (or one domain) that sets
 * current_level when it stops, the cool-down before a retake (409 with Retry-After), an empty
 * bank (409 QUIZ_NOT_READY), another learner's attempt (404) and anonymous callers (401).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { materialiseQuizItems } from "../../../../packages/domain/src/learning/quiz/index.ts";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "placement");
const PLACEMENT = "/api/v1/users/me/placement";
let learner: SignedIn;

async function bank(options: { status?: "draft" | "published"; domain?: string } = {}) {
  const course = await makeCourse(deps.db, { status: options.status ?? "published" });
  const content = await storeQuiz(deps.db, course.moduleId, { count: 20 });
  await materialiseQuizItems(deps.db, content);
  if (options.domain) {
    const category = await deps.db.taxonomyCategory.create({
      data: { type: "domain", slug: options.domain, labelFr: options.domain, labelEn: options.domain },
    });
    await deps.db.courseTaxonomy.create({ data: { courseId: course.courseId, categoryId: category.id } });
  }
  return course;
}

interface Answer {
  next_question: { id: string } | null;
  finished: boolean;
  result_level: number | null;
}

/** Answers every question correctly (or not) until the test stops. */
async function takeTest(user: SignedIn, correct: boolean, query = "") {
  const started = await send(user, "POST", `${PLACEMENT}${query}`, undefined, "fr");
  expect(started.status).toBe(200);
  const state = (await started.json()) as { attempt: { id: string; max_items: number }; question: { id: string } };
  expect(state.attempt.max_items).toBe(12);
  let question: { id: string } | null = state.question;
  let last: Answer | undefined;
  let count = 0;
  while (question) {
    const key = await correctOptionOf(deps.db, question.id);
    const res = await send(user, "POST", `${PLACEMENT}/answer`, {
      attempt_id: state.attempt.id,
      item_id: question.id,
      selected_option: correct ? key : (key + 1) % 4,
    });
    expect(res.status).toBe(200);
    last = (await res.json()) as Answer;
    question = last.next_question;
    count += 1;
  }
  return { attemptId: state.attempt.id, last: last as Answer, count };
}

beforeEach(async () => {
  await resetState();
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

describe("placement", () => {
  it("assigns level 4 to a learner who answers everything and level 1 to one who answers nothing", async () => {
    await bank();
    const strong = await takeTest(learner, true);
    expect(strong.count).toBe(12);
    expect(strong.last).toMatchObject({ finished: true, result_level: 4 });
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).currentLevel).toBe(4);

    const weak = await signIn(deps, { role: "learner" });
    const result = await takeTest(weak, false);
    expect(result.last.result_level).toBe(1);
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: weak.userId } })).currentLevel).toBe(1);
  });

  it("reports the latest result and refuses a retake during the cool-down", async () => {
    await bank();
    const before = (await (await send(learner, "GET", PLACEMENT)).json()) as { latest: unknown };
    expect(before.latest).toBeNull();
    const { attemptId } = await takeTest(learner, true);
    const status = (await (await send(learner, "GET", PLACEMENT)).json()) as {
      current_level: number;
      latest: { attempt_id: string; result_level: number };
      retake_allowed_at: string;
    };
    expect(status.latest).toMatchObject({ attempt_id: attemptId, result_level: 4 });
    expect(status.current_level).toBe(4);
    const days = (new Date(status.retake_allowed_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
    const retake = await send(learner, "POST", PLACEMENT, undefined, "fr");
    expect(retake.status).toBe(409);
    expect(((await retake.json()) as { code: string }).code).toBe("PLACEMENT_COOLDOWN");
    expect(Number(retake.headers.get("retry-after"))).toBeGreaterThan(29 * 86_400);
    await deps.db.platformSetting.create({ data: { key: "placement.retake_cooldown_days", value: 0 } });
    expect((await send(learner, "POST", PLACEMENT, undefined, "fr")).status).toBe(200);
  });

  it("draws only from published courses, and from one domain with ?domain=", async () => {
    const empty = await send(learner, "POST", PLACEMENT, undefined, "fr");
    expect(empty.status).toBe(409);
    expect(((await empty.json()) as { code: string }).code).toBe("QUIZ_NOT_READY");
    await bank({ status: "draft" });
    expect((await send(learner, "POST", PLACEMENT, undefined, "fr")).status).toBe(409);
    const health = await bank({ domain: "sante" });
    await bank({ domain: "agriculture" });
    const res = await send(learner, "POST", `${PLACEMENT}?domain=sante`, undefined, "fr");
    expect(res.status).toBe(200);
    const state = (await res.json()) as { attempt: { id: string }; question: { id: string } };
    const first = await deps.db.quizItem.findUniqueOrThrow({ where: { id: state.question.id } });
    expect(first.moduleId).toBe(health.moduleId);
    const key = await correctOptionOf(deps.db, state.question.id);
    const next = (await (
      await send(learner, "POST", `${PLACEMENT}/answer`, {
        attempt_id: state.attempt.id,
        item_id: state.question.id,
        selected_option: key,
      })
    ).json()) as Answer;
    const second = await deps.db.quizItem.findUniqueOrThrow({ where: { id: next.next_question?.id as string } });
    expect(second.moduleId).toBe(health.moduleId);
  });

  it("never serves a private course's questions, granted or not (decision 0035)", async () => {
    const hidden = await bank();
    await deps.db.course.update({ where: { id: hidden.courseId }, data: { visibility: "private" } });
    const res = await send(learner, "POST", PLACEMENT, undefined, "fr");
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("QUIZ_NOT_READY");
    expect(await deps.db.quizAttempt.count({ where: { userId: learner.userId } })).toBe(0);
  });

  it("refuses anonymous callers (401) and another learner's attempt (404)", async () => {
    await bank();
    expect((await app.request(PLACEMENT, { method: "POST" })).status).toBe(401);
    expect((await app.request(PLACEMENT)).status).toBe(401);
    const state = (await (await send(learner, "POST", PLACEMENT, undefined, "fr")).json()) as {
      attempt: { id: string };
      question: { id: string };
    };
    const other = await signIn(deps, { role: "learner" });
    const res = await send(other, "POST", `${PLACEMENT}/answer`, {
      attempt_id: state.attempt.id,
      item_id: state.question.id,
      selected_option: 0,
    });
    expect(res.status).toBe(404);
  });
});
