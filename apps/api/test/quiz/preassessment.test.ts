import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { addModule, correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, type SignedIn, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { emptyPreassessmentQueue } from "./preassessment.fixtures.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "preassessment");
let workers: TestWorkers;
let module2: string;
let admin: SignedIn;

const adminPath = () => `/api/v1/admin/courses/${world.course.courseId}/preassessment`;
const learnerPath = () => `/api/v1/courses/${world.course.courseId}/preassessment`;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
const world = enrolledLearnerWorld(deps);
beforeEach(async () => {
  await emptyPreassessmentQueue(deps);
  module2 = await addModule(deps.db, world.course.courseId);
  admin = await signIn(deps, { role: "admin" });
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

interface Config {
  is_enabled: boolean;
  max_items: number;
  known_threshold_pct: number;
  generation_status: string;
  generation_error: string | null;
  item_counts: { fr: number; en: number };
}

async function generateBank(): Promise<Config> {
  const res = await send(admin, "POST", `${adminPath()}/generate`);
  expect(res.status).toBe(202);
  expect(((await res.json()) as { status: string }).status).toBe("queued");
  return until(
    async () => (await (await send(admin, "GET", adminPath())).json()) as Config,
    (c) => c.generation_status === "ready" || c.generation_status === "failed",
  );
}

describe("admin settings", () => {
  it("returns defaults, saves changes with an audit entry, and is refused to others", async () => {
    const initial = (await (await send(admin, "GET", adminPath())).json()) as Config;
    expect(initial).toMatchObject({
      is_enabled: false,
      max_items: 15,
      known_threshold_pct: 80,
      generation_status: "not_generated",
    });
    const put = await send(admin, "PUT", adminPath(), { is_enabled: true, max_items: 6, known_threshold_pct: 75 });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ is_enabled: true, max_items: 6, known_threshold_pct: 75 });
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "course.preassessment.update" } });
    expect(audit.after).toMatchObject({ is_enabled: true, max_items: 6 });

    expect((await send(admin, "PUT", adminPath(), { max_items: 0 })).status).toBe(400);
    expect((await send(world.learner, "GET", adminPath())).status).toBe(403);
    const stranger = await signIn(deps, { role: "expert" });
    expect((await send(stranger, "GET", adminPath())).status).toBe(404);
    const owner = await signIn(deps, { role: "expert" });
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { expertId: owner.userId } });
    expect((await send(owner, "PUT", adminPath(), { known_threshold_pct: 90 })).status).toBe(200);
    expect((await app.request(adminPath())).status).toBe(401);
  });

  it("refuses generation for a course with nothing to draw from (409 NO_INDEXED_CONTENT)", async () => {
    const res = await send(admin, "POST", `${adminPath()}/generate`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("NO_INDEXED_CONTENT");
  });
});

describe("pre-assessment generation and attempts", () => {
  it("builds the bank on the worker, reusing a cached module quiz and generating the rest", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    await storeQuiz(deps.db, world.course.moduleId, { language: "fr", count: 15 });
    const config = await generateBank();
    expect(config.generation_error).toBeNull();
    expect(config.generation_status).toBe("ready");
    const pre = await deps.db.coursePreassessment.findUniqueOrThrow({ where: { courseId: world.course.courseId } });
    const items = await deps.db.quizItem.findMany({ where: { preassessmentId: pre.id, isActive: true } });
    const cached = items.filter((i) => i.moduleId === world.course.moduleId && i.language === "fr");
    expect(cached).toHaveLength(5);
    expect(new Set(cached.map((i) => i.difficulty)).size).toBe(5);
    expect(cached.every((i) => i.stem.includes("Question Q"))).toBe(true);
    expect(items.some((i) => i.moduleId === module2)).toBe(true);
    expect(config.item_counts.fr).toBe(items.filter((i) => i.language === "fr").length);
    // The practice bank is untouched: pre-assessment items are separate rows.
    expect(await deps.db.quizItem.count({ where: { moduleId: world.course.moduleId, preassessmentId: null } })).toBe(0);

    const again = await generateBank();
    expect(again.item_counts).toEqual(config.item_counts);
    expect(await deps.db.quizItem.count({ where: { preassessmentId: pre.id, isActive: false } })).toBe(items.length);
  });

  it("a learner's attempt marks the modules they know and suggests where to start", async () => {
    await storeQuiz(deps.db, world.course.moduleId, { language: "fr", count: 10, marker: "A" });
    await storeQuiz(deps.db, module2, { language: "fr", count: 10, marker: "B" });
    await send(admin, "PUT", adminPath(), { is_enabled: true, max_items: 10, known_threshold_pct: 80 });
    await generateBank();

    const status = (await (await send(world.learner, "GET", learnerPath(), undefined, "fr")).json()) as {
      available: boolean;
      latest_result: unknown;
    };
    expect(status).toMatchObject({ available: true, latest_result: null });
    const started = await send(world.learner, "POST", `${learnerPath()}/start`, undefined, "fr");
    expect(started.status).toBe(200);
    const state = (await started.json()) as { attempt: { id: string }; question: { id: string } | null };
    let question = state.question;
    let last: { finished: boolean; result: Record<string, unknown> | null; next_question: { id: string } | null } = {
      finished: false,
      result: null,
      next_question: null,
    };
    while (question) {
      const item = await deps.db.quizItem.findUniqueOrThrow({ where: { id: question.id } });
      const key = await correctOptionOf(deps.db, question.id);
      // Knows module 1, not module 2.
      const selected = item.moduleId === world.course.moduleId ? key : (key + 1) % 4;
      const res = await send(world.learner, "POST", `${learnerPath()}/answer`, {
        attempt_id: state.attempt.id,
        item_id: question.id,
        selected_option: selected,
      });
      expect(res.status).toBe(200);
      last = (await res.json()) as typeof last;
      question = last.next_question;
    }
    expect(last.finished).toBe(true);
    expect(last.result).toMatchObject({
      known_module_ids: [world.course.moduleId],
      suggested_module_id: module2,
      module_scores: { [world.course.moduleId]: 100, [module2]: 0 },
    });
    const progress = await deps.db.userModuleProgress.findUniqueOrThrow({
      where: { userId_moduleId: { userId: world.learner.userId, moduleId: world.course.moduleId } },
    });
    expect(progress.testedOutAt).not.toBeNull();
    const after = (await (await send(world.learner, "GET", learnerPath(), undefined, "fr")).json()) as {
      latest_result: { attempt_id: string };
    };
    expect(after.latest_result.attempt_id).toBe(state.attempt.id);
  });

  it("answers 409 PREASSESSMENT_UNAVAILABLE when disabled, 403 when not enrolled, 401 anonymous", async () => {
    const off = await send(world.learner, "POST", `${learnerPath()}/start`, undefined, "fr");
    expect(off.status).toBe(409);
    expect(((await off.json()) as { code: string }).code).toBe("PREASSESSMENT_UNAVAILABLE");
    const stranger = await signIn(deps, { role: "learner" });
    expect((await send(stranger, "GET", learnerPath())).status).toBe(403);
    expect((await send(stranger, "POST", `${learnerPath()}/start`)).status).toBe(403);
    expect((await app.request(learnerPath())).status).toBe(401);
  });
});
