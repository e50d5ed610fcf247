/**
 * The analytics report over REST, fed by the product's own flows: learners enroll and take the
 * module quiz through the API, their usage events are buffered and written by the recorder, the
 * roll-up runs as the worker's job, and the report then counts them as active. Item statistics
 * are checked against a hand computation; experts see their own courses only.
 */
import { enqueue } from "@sira/domain";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "analytics");
let workers: TestWorkers | undefined;
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
});
afterAll(closeTestDeps);

interface Report {
  scope: string;
  course_ids: string[] | null;
  rolled_at: string | null;
  active_users: { day: number; week: number; month: number };
  new_users: { day: number; week: number; month: number };
  daily: { day: string; active_users: number; events: number }[];
  retention: { week: string; size: number; retained: number[] }[];
  funnel: {
    course_id: string;
    enrolled: number;
    first_lesson: number;
    quiz_passed: number;
    module_completed: number;
  }[];
  modules: { module_id: string; quiz_takers: number; quiz_passed: number; pass_rate: number | null }[];
  items: { item_id: string; n: number; p_value: number; point_biserial: number | null }[];
  content: { lessons_read: number; audio_plays: number };
  tutor: { messages: number };
  revenue: { payments: number | null };
}

interface Question {
  id: string;
}
interface State {
  attempt: { id: string };
  question: Question | null;
}

let course: Awaited<ReturnType<typeof makeCourse>>;
let expert: SignedIn;
let admin: SignedIn;

beforeEach(async () => {
  await resetState();
  expert = await signIn(deps, { role: "expert" });
  admin = await signIn(deps, { role: "admin" });
  course = await makeCourse(deps.db, { expertId: expert.userId });
  await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
  await storeQuiz(deps.db, course.moduleId, { count: 15 });
});

/** Enrolls through the API, then answers the module quiz: `pattern[i]` says whether answer i is right. */
async function learnerTakesQuiz(pattern: boolean[]): Promise<{ learner: SignedIn; answered: string[] }> {
  const learner = await signIn(deps, { role: "learner" });
  expect((await send(learner, "POST", `/api/v1/courses/${course.courseId}/enroll`)).status).toBe(200);
  if (pattern.length === 0) return { learner, answered: [] };
  const path = `/api/v1/modules/${course.moduleId}/quiz`;
  // The summative test: the one graded attempt the funnel and pass rates count (decision 0053).
  const started = await send(learner, "GET", `${path}?kind=summative`, undefined, "fr");
  const text = await started.text();
  expect(started.status, text).toBe(200);
  let state = JSON.parse(text) as State;
  const answered: string[] = [];
  for (const correct of pattern) {
    const question = state.question as Question;
    const key = await correctOptionOf(deps.db, question.id);
    const res = await send(learner, "POST", `${path}/answer`, {
      attempt_id: state.attempt.id,
      item_id: question.id,
      selected_option: correct ? key : (key + 1) % 4,
    });
    expect(res.status).toBe(200);
    answered.push(question.id);
    const body = (await res.json()) as { next_question: Question | null };
    state = { attempt: state.attempt, question: body.next_question };
  }
  const submitted = await send(learner, "POST", `${path}/submit`, { attempt_id: state.attempt.id });
  expect(submitted.status).toBe(200);
  return { learner, answered };
}

/** Runs the roll-up as the worker does: the job through BullMQ on a real worker. */
async function rollUpOnWorker(): Promise<void> {
  workers ??= startTestWorkers(deps);
  await deps.usage.flush();
  const before = (await deps.db.usageDaily.aggregate({ _max: { rolledAt: true } }))._max.rolledAt;
  await enqueue(deps, "usage-rollup", {}, `usage-rollup-${crypto.randomUUID()}`);
  await until(
    () => deps.db.usageDaily.aggregate({ _max: { rolledAt: true } }),
    (r) => r._max.rolledAt !== null && r._max.rolledAt !== before,
  );
}

async function report(user: SignedIn, query = ""): Promise<Report> {
  const res = await send(user, "GET", `/api/v1/admin/analytics${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

describe("GET /api/v1/admin/analytics", () => {
  it("counts the learners of the real flows as active once the worker has rolled their events up", async () => {
    await learnerTakesQuiz([true, true, true]);
    await learnerTakesQuiz([true, false]);
    await learnerTakesQuiz([]);

    await deps.usage.flush();
    const written = await deps.db.usageEvent.groupBy({ by: ["kind"], _count: true, orderBy: { kind: "asc" } });
    expect(Object.fromEntries(written.map((e) => [e.kind, e._count]))).toEqual({
      enrollment: 3,
      quiz_answer: 5,
      quiz_submit: 2,
    });

    const stale = await report(admin);
    expect(stale.active_users).toEqual({ day: 0, week: 0, month: 0 });
    await rollUpOnWorker();
    const fresh = await report(admin);
    expect(fresh.scope).toBe("platform");
    expect(fresh.rolled_at).not.toBeNull();
    expect(fresh.active_users).toEqual({ day: 3, week: 3, month: 3 });
    // Five accounts were made today: three learners, the expert and the admin.
    expect(fresh.new_users).toEqual({ day: 5, week: 5, month: 5 });
    expect(fresh.daily.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), active_users: 3, events: 10 });
    expect(fresh.retention.at(-1)).toMatchObject({ size: 5, retained: [3] });
    const funnel = fresh.funnel.find((f) => f.course_id === course.courseId);
    // The first learner scored 100, the second 50: only the first passed the quiz.
    expect(funnel).toMatchObject({ enrolled: 3, quiz_passed: 1 });
    const module = fresh.modules.find((m) => m.module_id === course.moduleId);
    expect(module).toMatchObject({ quiz_takers: 2, quiz_passed: 1, pass_rate: 0.5 });
  });

  it("computes facility and point-biserial discrimination as a hand computation does", async () => {
    const takers = [
      await learnerTakesQuiz([true, true, true, true]),
      await learnerTakesQuiz([true, false, true, false]),
      await learnerTakesQuiz([false, false, true, false]),
      await learnerTakesQuiz([true, true, false, false]),
    ];
    const { items } = await report(admin, `?course_id=${course.courseId}`);
    const responses = await deps.db.quizAttemptResponse.findMany({
      select: { itemId: true, correct: true, attempt: { select: { score: true } } },
    });
    const itemIds = [...new Set(takers.flatMap((t) => t.answered))];
    expect(items.map((i) => i.item_id).sort()).toEqual(itemIds.sort());
    for (const item of items) {
      const rows = responses.filter((r) => r.itemId === item.item_id);
      const n = rows.length;
      const right = rows.filter((r) => r.correct).map((r) => r.attempt.score ?? 0);
      const wrong = rows.filter((r) => !r.correct).map((r) => r.attempt.score ?? 0);
      const all = rows.map((r) => r.attempt.score ?? 0);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const p = right.length / n;
      const sd = Math.sqrt(mean(all.map((x) => (x - mean(all)) ** 2)));
      // r_pb = (M1 − M0) / s · √(p·q), with s the population standard deviation of the scores.
      const rpb =
        right.length && wrong.length && sd > 0 ? ((mean(right) - mean(wrong)) / sd) * Math.sqrt(p * (1 - p)) : null;
      expect(item.n).toBe(n);
      expect(item.p_value).toBeCloseTo(p, 4);
      if (rpb === null) expect(item.point_biserial).toBeNull();
      else expect(item.point_biserial).toBeCloseTo(rpb, 3);
    }
    // Some item was answered by several learners with different results and scores.
    expect(items.some((i) => i.point_biserial !== null && i.n >= 3)).toBe(true);
  });

  it("limits an expert to their own courses and refuses another's", async () => {
    await learnerTakesQuiz([true]);
    const other = await makeCourse(deps.db);
    const stranger = await signIn(deps, { role: "learner" });
    expect((await send(stranger, "POST", `/api/v1/courses/${other.courseId}/enroll`)).status).toBe(200);
    await rollUpOnWorker();

    const own = await report(expert);
    expect(own.scope).toBe("courses");
    expect(own.course_ids).toEqual([course.courseId]);
    expect(own.active_users.day).toBe(1);
    expect(own.funnel.map((f) => f.course_id)).toEqual([course.courseId]);
    expect(own.revenue.payments).toBeNull();
    expect((await report(admin)).active_users.day).toBe(2);

    const refused = await send(expert, "GET", `/api/v1/admin/analytics?course_id=${other.courseId}`);
    expect(refused.status).toBe(404);
    const learner = await signIn(deps, { role: "learner" });
    expect((await send(learner, "GET", "/api/v1/admin/analytics")).status).toBe(403);
  });

  it("refuses a reversed or too long range in the request's language", async () => {
    const reversed = await send(admin, "GET", "/api/v1/admin/analytics?from=2026-12-02&to=2026-12-01", undefined, "fr");
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { detail: string }).detail).toContain("ne doit pas être après");
    const long = await send(admin, "GET", "/api/v1/admin/analytics?from=2026-01-01&to=2026-12-01");
    expect(long.status).toBe(400);
    expect((await send(admin, "GET", "/api/v1/admin/analytics?cohort_weeks=99")).status).toBe(400);
  });

  it("re-running the roll-up gives the same rows", async () => {
    await learnerTakesQuiz([true, false]);
    await rollUpOnWorker();
    const first = await deps.db.usageDaily.findMany({ select: { day: true, kind: true, events: true, users: true } });
    await rollUpOnWorker();
    const second = await deps.db.usageDaily.findMany({ select: { day: true, kind: true, events: true, users: true } });
    const sort = (rows: typeof first) => rows.map((r) => `${r.kind}:${r.events}:${r.users}`).sort();
    expect(sort(second)).toEqual(sort(first));
    expect(await deps.db.usageUserDay.count()).toBe(1);
  });
});
