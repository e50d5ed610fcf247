/**
 * tRPC `quiz`, `placement`, `preassessment` and `admin.preassessment`: the same use cases as REST,
 * the output schema keeping the answer key out of questions, and a quiz answer feeding the
 * flashcard of the same concept.
 */
import { afterAll, describe, expect, it } from "vitest";
import { conceptKeyOf } from "../../../../packages/domain/src/learning/flashcards/index.ts";
import { correctOptionOf, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, signIn, testApp } from "../helpers.ts";
import { trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";

const { deps } = testApp();
const world = enrolledLearnerWorld(deps);

afterAll(closeTestDeps);

describe("tRPC quiz", () => {
  it("starts, answers (feeding the concept's flashcard) and submits", async () => {
    await storeQuiz(deps.db, world.course.moduleId);
    const caller = await callerAs(deps, world.learner);
    const state = await caller.quiz.start({ module_id: world.course.moduleId, kind: "formative" });
    expect(Object.keys(state.question ?? {}).sort()).toEqual([
      "difficulty",
      "id",
      "options",
      "position",
      "question_type",
      "stem",
    ]);
    const item = await deps.db.quizItem.findUniqueOrThrow({ where: { id: state.question?.id as string } });
    const card = await deps.db.flashcard.create({
      data: {
        moduleId: world.course.moduleId,
        conceptKey: item.conceptKey as string,
        termFr: "Prix",
        definitionFr: "Le prix d'équilibre.",
        definitionEn: "The equilibrium price.",
      },
    });
    expect(item.conceptKey).toBe(conceptKeyOf(`Concept Q ${item.position + 1}`));
    const result = await caller.quiz.answer({
      module_id: world.course.moduleId,
      attempt_id: state.attempt.id,
      item_id: item.id,
      selected_option: await correctOptionOf(deps.db, item.id),
    });
    expect(result.correct).toBe(true);
    const log = await deps.db.flashcardReviewLog.findFirstOrThrow({ where: { cardId: card.id } });
    expect(log).toMatchObject({ rating: 3, source: "quiz" });
    const submitted = await caller.quiz.submit({ module_id: world.course.moduleId, attempt_id: state.attempt.id });
    expect(submitted.raw_score).toBe(100);
    // One right answer lifts the estimate above 0 but says little: the expected domain score stays modest.
    expect(submitted.score).toBeGreaterThan(50);
    expect(submitted.score).toBeLessThan(80);
    expect(
      await trpcCodeOf(
        (await callerAs(deps, null)).quiz.start({ module_id: world.course.moduleId, kind: "formative" }),
      ),
    ).toBe("UNAUTHENTICATED");
  });

  it("placement and pre-assessment answer with their conflict codes", async () => {
    const caller = await callerAs(deps, world.learner);
    expect(await trpcCodeOf(caller.placement.start({}))).toBe("QUIZ_NOT_READY");
    expect((await caller.placement.status()).latest).toBeNull();
    expect(await trpcCodeOf(caller.preassessment.start({ course_id: world.course.courseId }))).toBe(
      "PREASSESSMENT_UNAVAILABLE",
    );
    expect(await trpcCodeOf(caller.admin.preassessment.get({ course_id: world.course.courseId }))).toBe("FORBIDDEN");
    const admin = await callerAs(deps, await signIn(deps, { role: "admin" }));
    const config = await admin.admin.preassessment.update({ course_id: world.course.courseId, is_enabled: true });
    expect(config.is_enabled).toBe(true);
  });
});
