/**
 * End to end, the learning path with only real components: the API on a port, a BullMQ worker
 * process generating the quiz with the offline generator, PostgreSQL and Redis. A learner enrolls,
 * reads a streamed lesson, passes module 1's formative quiz (practice: nothing opens), then its
 * summative test, and module 2 opens; another learner
 * at 80% completion with a 79 quiz average stays locked out of module 2, and 80 opens it.
 */
import { recordModuleQuizResult } from "@sira/domain";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { type Course, learningCalls, makeCourse } from "./learning-course.ts";
import { type Service, type Stack, startStack } from "./processes.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let worker: Service;
let base: string;
let admin: SignedIn;

const DOCUMENT = `# Le paludisme : prévenir, dépister, traiter

## Comprendre la transmission

Le paludisme est une maladie parasitaire transmise par la piqûre d'un moustique anophèle femelle infecté.
Le parasite responsable est le Plasmodium, dont l'espèce Plasmodium falciparum cause les formes graves.
La saison des pluies augmente le nombre de gîtes larvaires et donc la transmission.

## Prévenir la maladie

La moustiquaire imprégnée d'insecticide protège les enfants et les femmes enceintes pendant le sommeil.
La chimioprévention saisonnière consiste à donner un traitement préventif aux enfants pendant la saison de forte transmission.
L'assainissement supprime les eaux stagnantes où se développent les larves de moustiques.

## Dépister et traiter

Le test de diagnostic rapide détecte les antigènes du parasite en quinze minutes à partir d'une goutte de sang.
La combinaison thérapeutique à base d'artémisinine est le traitement de référence du paludisme simple.
Un paludisme grave se reconnaît aux convulsions, à la prostration ou à une anémie sévère, et impose un transfert.
`;

const { call, poll, indexDocument, modulesOf, complete } = learningCalls(() => ({ base, worker, admin }));

/**
 * Takes the module's quiz of this kind, answering every question with its key; `shown` are the
 * items whose keys earlier quizzes showed, which a summative test never serves (decision 0067).
 */
async function takeQuiz(learner: SignedIn, moduleId: string, kind: "formative" | "summative", shown: string[] = []) {
  type Question = { id: string } | null;
  const started = await poll(
    () =>
      call<{ attempt: { id: string }; question: Question }>(`/api/v1/modules/${moduleId}/quiz?kind=${kind}`, learner),
    (res) => res.status !== 409,
    "quiz generation",
  );
  expect(started.status).toBe(200);
  expect(JSON.stringify(started.body)).not.toMatch(/correct_option|explanation/);
  let question = started.body.question;
  let answered = 0;
  const served: string[] = [];
  while (question) {
    served.push(question.id);
    const item = await db.quizItem.findUniqueOrThrow({ where: { id: question.id } });
    const res = await call<{ correct: boolean | null; next_question: Question; finished: boolean }>(
      `/api/v1/modules/${moduleId}/quiz/answer`,
      learner,
      {
        method: "POST",
        body: JSON.stringify({
          attempt_id: started.body.attempt.id,
          item_id: question.id,
          selected_option: item.correctOption,
        }),
      },
    );
    expect(res.status).toBe(200);
    // A formative answer says it was right; a summative one keeps that for the review.
    expect(res.body.correct).toBe(kind === "formative" ? true : null);
    answered += 1;
    question = res.body.finished ? null : res.body.next_question;
  }
  // The test stops at its length, or when this short document's bank has no item left: its text is
  // used up (a top-up found no new question), so the summative test is the items practice left.
  const bank = await db.quizItem.count({ where: { moduleId, language: "fr", isActive: true, preassessmentId: null } });
  expect(answered).toBe(Math.min(kind === "formative" ? 10 : 20, bank - shown.length));
  expect(served.filter((id) => shown.includes(id))).toEqual([]);
  const result = await call<{ score: number; review: unknown[] }>(`/api/v1/modules/${moduleId}/quiz/submit`, learner, {
    method: "POST",
    body: JSON.stringify({ attempt_id: started.body.attempt.id }),
  });
  expect(result.status).toBe(200);
  expect(result.body.review).toHaveLength(answered);
  return { ...result.body, served };
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  admin = await signIn(testDeps(), { role: "admin" });
  stack = await startStack();
  ({ base, worker } = stack);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("the learning path", () => {
  let course: Course;
  const m = (i: number) => course.modules[i] as Course["modules"][number];
  const u = (i: number, j: number) => m(i).units[j] as { id: string; unitType: string };

  beforeAll(async () => {
    course = await makeCourse(db);
    await indexDocument(course.courseId, DOCUMENT);
  }, 120_000);

  it("enroll, read, pass the quiz with 80 or more: module 2 unlocks", async () => {
    const learner = await signIn(testDeps(), { role: "learner", preferredLanguage: "fr", country: "SN" });
    expect((await call(`/api/v1/courses/${course.courseId}/enroll`, learner, { method: "POST" })).status).toBe(200);

    const before = await modulesOf(learner, course.courseId);
    expect(before.map((row) => row.locked)).toEqual([false, true]);
    const lockedLesson = await call<{ code: string }>(`/api/v1/modules/${m(1).id}/lessons/${u(1, 0).id}`, learner);
    expect(lockedLesson.status).toBe(423);
    expect(lockedLesson.body.code).toBe("MODULE_LOCKED");

    // Read the first lesson over SSE, then record the reading as complete.
    const stream = await fetch(`${base}/api/v1/modules/${m(0).id}/lessons/${u(0, 0).id}/stream`, {
      headers: { authorization: `Bearer ${learner.accessToken}`, "accept-language": "fr" },
    });
    expect(stream.status).toBe(200);
    const events = await stream.text();
    expect(events).toContain("event: done");
    const reading = await call<{ completed_at: string | null }>(
      `/api/v1/modules/${m(0).id}/lessons/${u(0, 0).id}/reading`,
      learner,
      { method: "PUT", body: JSON.stringify({ read_pct: 100, time_spent_seconds: 240, completed: true }) },
    );
    expect(reading.status).toBe(200);
    expect(reading.body.completed_at).not.toBeNull();
    for (const j of [1, 2, 4]) expect(await complete(learner, m(0).id, u(0, j).id)).toBe(200);

    // The formative quiz (generated by the worker on first request) passed with every answer
    // right is practice: it grades nothing, so module 2 stays locked.
    const practice = await takeQuiz(learner, m(0).id, "formative");
    expect(practice.score).toBeGreaterThanOrEqual(80);
    const practised = await modulesOf(learner, course.courseId);
    expect(practised[0]).toMatchObject({ completion_pct: 80, quiz_score_avg: null });
    expect(practised[1]?.locked).toBe(true);

    // The summative test, answered correctly, is graded: module 2 opens.
    const result = await takeQuiz(learner, m(0).id, "summative", practice.served);
    expect(result.score).toBeGreaterThanOrEqual(80);

    const after = await modulesOf(learner, course.courseId);
    expect(after[0]).toMatchObject({ completion_pct: 100, quiz_score_avg: result.score, locked: false });
    expect(after[1]?.locked).toBe(false);
    const openLesson = await call(`/api/v1/modules/${m(1).id}/lessons/${u(1, 0).id}`, learner);
    expect([200, 202]).toContain(openLesson.status);

    const dashboard = await call<{ recent_quizzes: { score: number }[]; courses: { completion_pct: number }[] }>(
      "/api/v1/dashboard",
      learner,
    );
    expect(dashboard.body.recent_quizzes[0]?.score).toBe(result.score);
    expect(dashboard.body.courses[0]?.completion_pct).toBe(50);
  }, 180_000);

  it("80% completion with a 79 quiz average stays locked; 80 opens module 2", async () => {
    const learner = await signIn(testDeps(), { role: "learner", preferredLanguage: "fr", country: "SN" });
    expect((await call(`/api/v1/courses/${course.courseId}/enroll`, learner, { method: "POST" })).status).toBe(200);
    for (const j of [0, 1, 4]) expect(await complete(learner, m(0).id, u(0, j).id)).toBe(200);
    // A graded quiz of 79 on the quiz unit (CAT scores are k/n, so 79 exactly is set through the domain).
    await recordModuleQuizResult(db, {
      userId: learner.userId,
      moduleId: m(0).id,
      unitId: u(0, 3).id,
      score: 79,
      at: new Date(),
    });

    const locked = await modulesOf(learner, course.courseId);
    expect(locked[0]).toMatchObject({ completion_pct: 80, quiz_score_avg: 79 });
    expect(locked[1]?.locked).toBe(true);
    const refused = await call<{ code: string }>(`/api/v1/modules/${m(1).id}/lessons/${u(1, 0).id}`, learner);
    expect(refused.status).toBe(423);
    expect(refused.body.code).toBe("MODULE_LOCKED");

    await recordModuleQuizResult(db, {
      userId: learner.userId,
      moduleId: m(0).id,
      unitId: u(0, 3).id,
      score: 80,
      at: new Date(),
    });
    const opened = await modulesOf(learner, course.courseId);
    expect(opened[0]).toMatchObject({ completion_pct: 80, quiz_score_avg: 80 });
    expect(opened[1]?.locked).toBe(false);
  }, 60_000);
});
