/** Quiz content for the adaptive-test tests: questions over difficulties 1-5 with known answers. */
import type { Language, QuizContent, SourceRef } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { storeGeneratedContent } from "../../src/content/cache.ts";

/** `count` questions cycling through difficulties 1-5; question i's answer is option i % 4. */
export function sampleQuiz(count = 15, marker = "Q", language: Language = "fr"): QuizContent {
  return {
    questions: Array.from({ length: count }, (_, i) => ({
      question: `${language === "fr" ? "Question" : "Question (en)"} ${marker}${i + 1} : quel est le prix d'équilibre ?`,
      options: ["Option A", "Option B", "Option C", "Option D"].map((o) => `${o} ${marker}${i + 1}`),
      correct_index: i % 4,
      explanation: `Explication ${marker}${i + 1} : l'offre égale la demande.`,
      source: 1,
      difficulty: (i % 5) + 1,
      type: "recall" as const,
      concept: `Concept ${marker} ${i + 1}`,
    })),
  };
}

export const quizSource = (): SourceRef => ({
  chunk_id: crypto.randomUUID(),
  resource_id: crypto.randomUUID(),
  source: "economie.pdf",
  chapter: "Le marché",
  page: 2,
});

/** Stores the module-level quiz content (unit null) under its cache key. */
export function storeQuiz(
  db: Db,
  moduleId: string,
  options: { language?: Language; level?: number; country?: string; count?: number; marker?: string } = {},
) {
  const language = options.language ?? "fr";
  return storeGeneratedContent(
    db,
    {
      moduleId,
      unitId: null,
      contentType: "quiz",
      language,
      level: options.level ?? 1,
      country: options.country ?? "SN",
    },
    {
      content: sampleQuiz(options.count ?? 15, options.marker ?? "Q", language),
      sourcesCited: [quizSource()],
      model: "offline-extractive",
      metadata: { offline: true },
    },
  );
}

/** The correct option of a served question, read from the database as only the server can. */
export async function correctOptionOf(db: Db, itemId: string): Promise<number> {
  const item = await db.quizItem.findUniqueOrThrow({ where: { id: itemId }, select: { correctOption: true } });
  return item.correctOption;
}

/** A second module (number 2) in the fixture course, with one lesson unit. */
export async function addModule(db: Db, courseId: string, moduleNumber = 2): Promise<string> {
  const module = await db.module.create({
    data: {
      courseId,
      moduleNumber,
      level: 2,
      titleFr: `Module ${moduleNumber}`,
      titleEn: `Module ${moduleNumber}`,
      descriptionFr: "Suite.",
      descriptionEn: "Next.",
      estimatedHours: 1,
      bloomLevel: "apply",
      units: { create: [{ unitNumber: 1, unitType: "lesson", titleFr: "Leçon", titleEn: "Lesson" }] },
    },
  });
  await db.course.update({ where: { id: courseId }, data: { moduleCount: { increment: 1 } } });
  return module.id;
}
