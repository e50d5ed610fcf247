/**
 * Accepting a structure proposal replaces the course's modules, and their cards and attempts go
 * with them. Learners' flashcard reviews are their work as much as a lesson read: a course where
 * a learner has reviewed cards is not rebuilt (409 CONFLICT), and the reviews stay.
 */
import type { CourseStructure } from "@sira/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { storeBothDecks } from "./flashcards/decks.ts";
import { closeTestDeps, enrolledLearnerWorld, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const structure = (): CourseStructure => ({
  modules: [
    {
      title_fr: "Le marché",
      title_en: "The market",
      description_fr: "Les prix.",
      description_en: "Prices.",
      level: 1,
      estimated_hours: 2,
      bloom_level: "understand",
      objectives_fr: ["Définir le prix"],
      objectives_en: ["Define the price"],
      prerequisites: [],
      books_sources: { resources: [] },
      units: [
        {
          title_fr: "Le prix",
          title_en: "The price",
          description_fr: null,
          description_en: null,
          unit_type: "lesson",
          estimated_minutes: 20,
        },
      ],
    },
  ],
});

describe("accepting a structure proposal", () => {
  it("refuses (409) while a learner has flashcard reviews in the modules it would replace", async () => {
    const { course, learner } = world;
    await storeBothDecks(deps.db, course.moduleId);
    const deck = await app.request(`/api/v1/modules/${course.moduleId}/flashcards?limit=100`, {
      headers: { ...learner.headers, "accept-language": "fr" },
    });
    expect(deck.status).toBe(200);
    const [card] = ((await deck.json()) as { items: { id: string }[] }).items;
    const reviewed = await app.request(`/api/v1/flashcards/${card?.id}/review`, {
      method: "POST",
      headers: { ...learner.headers, "content-type": "application/json" },
      body: JSON.stringify({ rating: 3, duration_ms: 8000 }),
    });
    expect(reviewed.status).toBe(200);

    const admin = await signIn(deps, { role: "admin" });
    // The structure job's result: a ready proposal.
    const proposal = await deps.db.courseStructureProposal.create({
      data: { courseId: course.courseId, status: "ready", proposal: structure() as object },
    });
    const res = await app.request(
      `/api/v1/admin/courses/${course.courseId}/structure-proposals/${proposal.id}/accept`,
      { method: "POST", headers: { ...admin.headers, "content-type": "application/json" }, body: "{}" },
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("CONFLICT");
    expect(await deps.db.module.findUnique({ where: { id: course.moduleId } })).not.toBeNull();
    expect(await deps.db.flashcardReview.count({ where: { userId: learner.userId } })).toBe(1);
  });
});
