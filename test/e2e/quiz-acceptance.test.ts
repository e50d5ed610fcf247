/**
 * End to end, the 80 gate read from the expected domain score (decision 0049), with only real
 * components: the API on a port, a BullMQ worker process generating the module's bank with the
 * offline generator, PostgreSQL and Redis. A learner of high ability (answering right with the
 * Rasch probability at θ = +5 on each item's written difficulty) completes module 1 and passes its
 * summative test on the first attempt: module 2 opens. A guessing learner (a random option each
 * time) completes the same units, fails the summative test, may not retake it during the cool-down,
 * and module 2 stays locked.
 */

import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { difficultyToLogit, probabilityCorrect } from "../../packages/algorithms/src/cat.ts";
import { prng } from "../../packages/algorithms/test/random.ts";
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
Les enfants de moins de cinq ans et les femmes enceintes sont les plus exposés aux formes graves.

## Prévenir la maladie

La moustiquaire imprégnée d'insecticide protège les enfants et les femmes enceintes pendant le sommeil.
La chimioprévention saisonnière consiste à donner un traitement préventif aux enfants pendant la saison de forte transmission.
L'assainissement supprime les eaux stagnantes où se développent les larves de moustiques.
La pulvérisation intradomiciliaire d'insecticide réduit le nombre de moustiques qui se reposent sur les murs.

## Dépister et traiter

Le test de diagnostic rapide détecte les antigènes du parasite en quinze minutes à partir d'une goutte de sang.
La goutte épaisse au microscope reste l'examen de référence pour compter les parasites.
La combinaison thérapeutique à base d'artémisinine est le traitement de référence du paludisme simple.
Un paludisme grave se reconnaît aux convulsions, à la prostration ou à une anémie sévère, et impose un transfert.
L'artésunate injectable est le traitement du paludisme grave avant et pendant le transfert.
Un traitement commencé doit être pris en entier, pendant trois jours, même quand la fièvre disparaît.

## Organiser la lutte dans le district

L'agent de santé communautaire teste et traite les cas simples au village, sans attendre le centre de santé.
Le registre des cas confirmés permet de repérer une hausse inhabituelle et de déclencher une riposte.
La distribution de masse des moustiquaires a lieu tous les trois ans, avec un suivi de leur utilisation.
Une rupture de stock de tests rapides pousse à traiter sans confirmation, ce qui gaspille les médicaments.
La résistance des moustiques aux insecticides oblige à alterner les produits utilisés pour la pulvérisation.
La sensibilisation des familles explique que toute fièvre chez un enfant doit être testée le jour même.
`;

const { call, poll, indexDocument, modulesOf, complete } = learningCalls(() => ({ base, worker, admin }));

type Question = { id: string; difficulty: number; options: string[] };
type State = { attempt: { id: string; max_items: number }; question: Question | null };
type Result = { score: number; raw_score: number; se: number | null; score_se: number | null; item_count: number };

/** Sits module 1's summative test, choosing each option with `choose`, and submits it. */
async function sitSummative(
  learner: SignedIn,
  moduleId: string,
  choose: (question: Question, key: number) => number,
): Promise<Result> {
  const started = await poll(
    () => call<State>(`/api/v1/modules/${moduleId}/quiz?kind=summative`, learner),
    (res) => res.status !== 409,
    "the module's bank",
  );
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  expect(started.body.attempt.max_items).toBe(20);
  let question = started.body.question;
  while (question) {
    // Only the server knows the key; the simulated learner reads it to draw its answer.
    const key = (await db.quizItem.findUniqueOrThrow({ where: { id: question.id } })).correctOption;
    const res = await call<{ correct: boolean | null; next_question: Question | null; finished: boolean }>(
      `/api/v1/modules/${moduleId}/quiz/answer`,
      learner,
      {
        method: "POST",
        body: JSON.stringify({
          attempt_id: started.body.attempt.id,
          item_id: question.id,
          selected_option: choose(question, key),
        }),
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.correct).toBeNull();
    question = res.body.finished ? null : res.body.next_question;
  }
  const result = await call<Result>(`/api/v1/modules/${moduleId}/quiz/submit`, learner, {
    method: "POST",
    body: JSON.stringify({ attempt_id: started.body.attempt.id }),
  });
  expect(result.status).toBe(200);
  return result.body;
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  admin = await signIn(testDeps(), { role: "admin" });
  // Two learners sit 20-item tests and poll the generation within a minute: the per-network limit
  // (100 a minute) is not what this file tests.
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: "2000" });
  ({ base, worker } = stack);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("the summative test and the 80 gate", () => {
  let course: Course;
  const m = (i: number) => course.modules[i] as Course["modules"][number];
  const u = (i: number, j: number) => m(i).units[j] as { id: string; unitType: string };

  beforeAll(async () => {
    course = await makeCourse(db);
    await indexDocument(course.courseId, DOCUMENT);
  }, 120_000);

  async function enrolledLearner(): Promise<SignedIn> {
    const learner = await signIn(testDeps(), { role: "learner", preferredLanguage: "fr", country: "SN" });
    expect((await call(`/api/v1/courses/${course.courseId}/enroll`, learner, { method: "POST" })).status).toBe(200);
    // Lessons and flashcards of module 1 (80 %); the quiz unit is completed by the submitted test.
    for (const j of [0, 1, 2, 4]) expect(await complete(learner, m(0).id, u(0, j).id)).toBe(200);
    return learner;
  }

  it("a learner of high ability passes on the first attempt and module 2 opens", async () => {
    const learner = await enrolledLearner();
    expect((await modulesOf(learner, course.courseId)).map((row) => row.locked)).toEqual([false, true]);
    const random = prng(17);
    const result = await sitSummative(learner, m(0).id, (question, key) =>
      // θ = +5: a true domain score near 98%, so a pass is all but certain whatever the item order.
      random() < probabilityCorrect(5, difficultyToLogit(question.difficulty)) ? key : (key + 1) % 4,
    );
    const bank = await db.quizItem.findMany({ where: { moduleId: m(0).id, isActive: true } });
    process.stdout.write(
      `\nhigh ability: bank ${bank.length} items (difficulties ${[1, 2, 3, 4, 5].map((d) => bank.filter((i) => i.difficulty === d).length).join("/")}, ` +
        `${bank.filter((i) => i.contentId !== null).length} generated), ${result.item_count} items, raw ${result.raw_score}, ` +
        `score ${result.score} ± ${result.score_se}\n`,
    );
    expect(result.score).toBeGreaterThanOrEqual(80);
    const after = await modulesOf(learner, course.courseId);
    expect(after[0]).toMatchObject({ completion_pct: 100, quiz_score_avg: result.score });
    expect(after[1]?.locked).toBe(false);
    const lesson = await call(`/api/v1/modules/${m(1).id}/lessons/${u(1, 0).id}`, learner);
    expect([200, 202]).toContain(lesson.status);
  }, 240_000);

  it("a guessing learner fails, may not retake during the cool-down, and module 2 stays locked", async () => {
    const learner = await enrolledLearner();
    const random = prng(42);
    const result = await sitSummative(learner, m(0).id, () => Math.floor(random() * 4));
    process.stdout.write(
      `guessing: ${result.item_count} items, raw ${result.raw_score}, score ${result.score} ± ${result.score_se}\n`,
    );
    expect(result.score).toBeLessThan(80);
    const retake = await call<{ code: string; retry_at: string }>(
      `/api/v1/modules/${m(0).id}/quiz?kind=summative`,
      learner,
    );
    expect(retake.status).toBe(409);
    expect(retake.body.code).toBe("QUIZ_COOLDOWN");
    const after = await modulesOf(learner, course.courseId);
    expect(after[0]?.quiz_score_avg).toBe(result.score);
    expect(after[1]?.locked).toBe(true);
    const refused = await call<{ code: string }>(`/api/v1/modules/${m(1).id}/lessons/${u(1, 0).id}`, learner);
    expect(refused.status).toBe(423);
    expect(refused.body.code).toBe("MODULE_LOCKED");
  }, 240_000);
});
