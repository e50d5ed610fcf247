/**
 * The item bank and the attempt engine on the real database: materialising is idempotent, a
 * regenerated version retires (never deletes) the old items, answers already given stay
 * reproducible, concept keys match the flashcards', and a quiz answer feeds the card of its concept.
 */
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { replaceGeneratedContent } from "../../src/content/cache.ts";
import { conceptKeyOf } from "../../src/learning/flashcards/index.ts";
import { spreadByDifficulty } from "../../src/learning/preassessment/index.ts";
import {
  answerCurrentItem,
  materialiseQuizItems,
  reproduceAttempt,
  startOrResumeAttempt,
} from "../../src/learning/quiz/index.ts";
import { draftsOf } from "../../src/learning/quiz/items.ts";
import { contentDeps } from "../content/deps.ts";
import { type CourseFixture, makeCourse, makeUser } from "../content/fixtures.ts";
import { sampleQuiz, storeQuiz } from "./fixtures.ts";

const deps = contentDeps();
let course: CourseFixture;

beforeEach(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  course = await makeCourse(deps.db);
});
afterAll(() => deps.close());

describe("materialiseQuizItems", () => {
  it("stores one item per question once, with its concept key and cited source", async () => {
    const content = await storeQuiz(deps.db, course.moduleId, { count: 12 });
    await materialiseQuizItems(deps.db, content);
    await materialiseQuizItems(deps.db, content);
    const items = await deps.db.quizItem.findMany({ where: { contentId: content.id }, orderBy: { position: "asc" } });
    expect(items).toHaveLength(12);
    expect(items[0]).toMatchObject({
      contentVersion: 1,
      position: 0,
      language: "fr",
      difficulty: 1,
      correctOption: 0,
      conceptKey: conceptKeyOf("Concept Q 1"),
      isActive: true,
    });
    const sources = (items[0]?.sourcesCited ?? []) as { source: string }[];
    expect(sources[0]?.source).toBe("economie.pdf");
  });

  it("retires the previous version's items on regeneration, and old answers stay reproducible", async () => {
    const content = await storeQuiz(deps.db, course.moduleId, { count: 10 });
    await materialiseQuizItems(deps.db, content);
    const userId = await makeUser(deps.db);
    const scope = { kind: "module" as const, moduleId: course.moduleId };
    const state = await startOrResumeAttempt(deps.db, {
      userId,
      kind: "formative",
      language: "fr",
      maxItems: 10,
      scope,
      at: new Date(),
    });
    const outcome = await answerCurrentItem(
      deps.db,
      {
        userId,
        attemptId: state.attempt.id,
        itemId: state.question?.id as string,
        selectedOption: 0,
        at: new Date(),
      },
      () => true,
    );
    const replaced = await replaceGeneratedContent(deps.db, content.id, 1, {
      content: sampleQuiz(10, "R"),
      sourcesCited: [],
      model: "offline-extractive",
      metadata: {},
    });
    await materialiseQuizItems(deps.db, replaced as NonNullable<typeof replaced>);
    expect(await deps.db.quizItem.count({ where: { contentId: content.id, contentVersion: 1, isActive: false } })).toBe(
      10,
    );
    expect(await deps.db.quizItem.count({ where: { contentId: content.id, contentVersion: 2, isActive: true } })).toBe(
      10,
    );
    const reproduced = await reproduceAttempt(deps.db, state.attempt.id);
    expect(reproduced.steps).toHaveLength(1);
    expect(reproduced.theta).toBeCloseTo(outcome.response.thetaAfter, 12);
    expect(reproduced.se).toBeCloseTo(outcome.response.seAfter, 12);
  });
});

describe("pre-assessment selection", () => {
  it("spreads a module's questions over the difficulties", () => {
    const drafts = draftsOf({
      id: crypto.randomUUID(),
      moduleId: course.moduleId,
      unitId: null,
      language: "fr",
      version: 1,
      content: sampleQuiz(15),
      sourcesCited: [],
    });
    const picked = spreadByDifficulty(drafts, 5);
    expect(picked.map((d) => d.question.difficulty)).toEqual([1, 2, 3, 4, 5]);
    expect(spreadByDifficulty(drafts.slice(0, 2), 5)).toHaveLength(2);
  });
});
