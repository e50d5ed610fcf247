/**
 * Item calibration on a real worker, over responses the product itself stored: simulated learners
 * (seeded abilities) take the summative quiz through the API, one question of the bank answered
 * the wrong way round (better learners miss it). An admin lowers the response threshold; the
 * `calibrate-items` job then writes every item's calibrated difficulty (anchored on the written
 * levels) and fit, flags the bad question for review (listed to admins over REST and tRPC), gives
 * the same figures when run again, and the CAT estimates the next learner with the calibrated b.
 */
import { difficultyToLogit, estimateAbility, probabilityCorrect } from "@sira/algorithms";
import type { FlaggedQuizItem } from "@sira/contracts";
import { enqueue } from "@sira/domain";
import { getQueue, jobIdFor } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../../../packages/algorithms/test/random.ts";
import { enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
const sendAny = jsonSender(app, "calibration");
/** In French: the stored bank is the French one. */
const send = (user: SignedIn, method: string, path: string, body?: unknown) => sendAny(user, method, path, body, "fr");
let workers: TestWorkers;
let admin: SignedIn;
let course: Awaited<ReturnType<typeof makeCourse>>;

const LEARNERS = 60;
/** The bank position of the question answered the wrong way round. */
const BAD_POSITION = 2;

beforeAll(async () => {
  await resetState();
  workers = startTestWorkers(deps);
  admin = await signIn(deps, { role: "admin" });
  course = await makeCourse(deps.db);
  await storeQuiz(deps.db, course.moduleId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

/**
 * A learner of ability θ takes the summative quiz through the API; `draws[position]` decides each
 * answer whatever order the CAT serves the questions in, so the responses are the same every run.
 */
async function takeSummative(learner: SignedIn, theta: number, draws: number[]): Promise<void> {
  const path = `/api/v1/modules/${course.moduleId}/quiz`;
  const started = await send(learner, "GET", `${path}?kind=summative`);
  if (started.status !== 200) throw new Error(await started.text());
  const state = (await started.json()) as { attempt: { id: string }; question: { id: string } | null };
  let question = state.question;
  while (question) {
    const item = await deps.db.quizItem.findUniqueOrThrow({ where: { id: question.id } });
    const b = difficultyToLogit(item.difficulty);
    const p = item.position === BAD_POSITION ? probabilityCorrect(-theta, -b) : probabilityCorrect(theta, b);
    const key = await correctOptionOf(deps.db, item.id);
    const selected = (draws[item.position] as number) < p ? key : (key + 1) % 4;
    const res = await send(learner, "POST", `${path}/answer`, {
      attempt_id: state.attempt.id,
      item_id: item.id,
      selected_option: selected,
    });
    expect(res.status).toBe(200);
    question = ((await res.json()) as { next_question: { id: string } | null }).next_question;
  }
  expect((await send(learner, "POST", `${path}/submit`, { attempt_id: state.attempt.id })).status).toBe(200);
}

let runs = 0;
async function calibrate(): Promise<Record<string, number>> {
  const { jobId } = await enqueue(deps, "calibrate-items", {}, jobIdFor("calibrate-items", "test", ++runs));
  const queue = getQueue("maintenance", { prefix: deps.config.QUEUE_PREFIX });
  const job = await until(
    () => queue.getJob(jobId),
    (j) => Boolean(j?.finishedOn),
    600,
  );
  expect(job?.failedReason).toBeUndefined();
  return job?.returnvalue as Record<string, number>;
}

describe("calibrate-items on a real worker", () => {
  it("calibrates the bank from real attempts, flags the bad question, and the CAT uses the calibrated b", async () => {
    const random = prng(1712);
    const simulated = Array.from({ length: LEARNERS }, () => ({
      theta: Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
      draws: Array.from({ length: 15 }, () => random()),
    }));
    // Eight learners at a time, as a class would; each one's answers are fixed by their draws.
    for (let from = 0; from < LEARNERS; from += 8) {
      await Promise.all(
        simulated.slice(from, from + 8).map(async ({ theta, draws }) => {
          const learner = await signIn(deps, { role: "learner" });
          await enroll(deps.db, learner.userId, course.courseId);
          await takeSummative(learner, theta, draws);
        }),
      );
    }
    // Below the default threshold (200 responses) nothing is calibrated.
    expect(await calibrate()).toEqual({ banks: 0, items: 0, flagged: 0, responses: 0 });
    expect(await deps.db.quizItem.count({ where: { calibratedB: { not: null } } })).toBe(0);

    const setting = await send(admin, "PUT", "/api/v1/admin/settings/quiz.calibration_min_responses", { value: 50 });
    expect(setting.status).toBe(200);
    const report = await calibrate();
    expect(report).toMatchObject({ banks: 1, items: 15, responses: 15 * LEARNERS });

    const items = await deps.db.quizItem.findMany({ orderBy: { position: "asc" } });
    for (const item of items) {
      expect(item.calibrationN).toBe(LEARNERS);
      expect(item.calibratedAt).not.toBeNull();
      expect(item.outfit).toBeGreaterThan(0);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const calibrated = items.map((i) => i.calibratedB as number);
    // Anchored: the calibrated mean is the written levels' mean (to the stored rounding).
    expect(Math.abs(mean(calibrated) - mean(items.map((i) => difficultyToLogit(i.difficulty))))).toBeLessThan(1e-3);
    const bad = items.find((i) => i.position === BAD_POSITION);
    expect(bad?.flagReason).toMatch(/point-biserial -?\d/);
    expect(bad?.pointBiserial).toBeLessThanOrEqual(0);
    const flagged = items.filter((i) => i.flaggedAt);
    expect(flagged.map((i) => i.position)).toContain(BAD_POSITION);
    expect(report.flagged).toBe(flagged.length);
    process.stdout.write(
      [
        "",
        `calibrate-items on the worker: ${LEARNERS} summative attempts of 15 items`,
        "| position | written b | calibrated b | outfit | point-biserial | flag |",
        "| --- | --- | --- | --- | --- | --- |",
        ...items.map(
          (i) =>
            `| ${i.position} | ${difficultyToLogit(i.difficulty)} | ${i.calibratedB?.toFixed(3)} | ${i.outfit?.toFixed(3)} | ${i.pointBiserial?.toFixed(3)} | ${i.flagReason ?? ""} |`,
        ),
        "",
      ].join("\n"),
    );

    // Listed to admins for review, over REST and tRPC; not to learners, nor to another course's expert.
    const listed = await send(admin, "GET", `/api/v1/admin/quiz-items/flagged?course_id=${course.courseId}`);
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { items: FlaggedQuizItem[]; total: number };
    expect(page.total).toBe(flagged.length);
    expect(page.items.find((i) => i.id === bad?.id)).toMatchObject({
      id: bad?.id,
      module_id: course.moduleId,
      course_id: course.courseId,
      calibrated_b: bad?.calibratedB,
      calibration_n: LEARNERS,
      flag_reason: bad?.flagReason,
      outfit_flag_above: 1.5,
    });
    const trpc = await (await callerAs(deps, admin)).admin.quizItems.flagged({ module_id: course.moduleId });
    expect(trpc.items.map((i) => i.id).sort()).toEqual(flagged.map((i) => i.id).sort());
    const learner = await signIn(deps, { role: "learner" });
    expect((await send(learner, "GET", "/api/v1/admin/quiz-items/flagged")).status).toBe(403);
    const stranger = await signIn(deps, { role: "expert" });
    const none = (await (await send(stranger, "GET", "/api/v1/admin/quiz-items/flagged")).json()) as { total: number };
    expect(none.total).toBe(0);

    // Safe to run twice: the same responses give the same figures, and the flag keeps its date.
    expect(await calibrate()).toEqual(report);
    const again = await deps.db.quizItem.findMany({ orderBy: { position: "asc" } });
    expect(again.map((i) => i.calibratedB)).toEqual(calibrated);
    expect(again.find((i) => i.id === bad?.id)?.flaggedAt).toEqual(bad?.flaggedAt);

    // The CAT estimates with the calibrated difficulty.
    await enroll(deps.db, learner.userId, course.courseId);
    const path = `/api/v1/modules/${course.moduleId}/quiz`;
    const state = (await (await send(learner, "GET", `${path}?kind=formative`)).json()) as {
      attempt: { id: string };
      question: { id: string };
    };
    const item = again.find((i) => i.id === state.question.id);
    const answer = (await (
      await send(learner, "POST", `${path}/answer`, {
        attempt_id: state.attempt.id,
        item_id: state.question.id,
        selected_option: item?.correctOption,
      })
    ).json()) as { theta: number };
    const written = difficultyToLogit(item?.difficulty as number);
    expect(item?.calibratedB).not.toBeCloseTo(written, 2);
    expect(answer.theta).toBeCloseTo(estimateAbility([{ b: item?.calibratedB as number, correct: true }]).theta, 10);
  }, 240_000);
});
