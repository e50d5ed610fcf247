/** Flashcard fixtures: generated flashcard content, cards, and quiz answers to feed them. */
import type { FlashcardContent, Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { storeGeneratedContent } from "../../src/content/cache.ts";
import type { CacheKey } from "../../src/content/cache-key.ts";
import { sampleSource } from "../content/fixtures.ts";

export const CONCEPTS = ["Prix d'équilibre", "Offre", "Demande", "Élasticité-prix"];

/** Flashcard content for `concepts`, written in `language` (the example carries the language and a marker). */
export function sampleDeck(language: Language, concepts = CONCEPTS, marker = "v1"): FlashcardContent {
  return {
    cards: concepts.map((concept, i) => ({
      term_fr: concept,
      term_en: `${concept} (en)`,
      definition_fr: `Définition de ${concept} ${marker}`,
      definition_en: `Definition of ${concept} ${marker}`,
      example: `${language} example ${i + 1} ${marker}`,
      formula: i === 0 ? "Qo = Qd" : null,
      source: 1,
      concept,
    })),
  };
}

export const deckKey = (moduleId: string, language: Language, level = 2, country = "SN"): CacheKey => ({
  moduleId,
  unitId: null,
  contentType: "flashcard",
  language,
  level,
  country,
});

export function storeDeck(db: Db, key: CacheKey, content: FlashcardContent) {
  return storeGeneratedContent(db, key, {
    content,
    sourcesCited: [sampleSource()],
    model: "offline-extractive",
    metadata: { offline: true },
  });
}

/** A card of the module, written directly (for review tests that do not need generated content). */
export async function makeCard(db: Db, moduleId: string, conceptKey: string, position = 0): Promise<string> {
  const card = await db.flashcard.create({
    data: {
      moduleId,
      conceptKey,
      termFr: conceptKey,
      termEn: conceptKey,
      definitionFr: `Définition ${conceptKey}`,
      definitionEn: `Definition ${conceptKey}`,
      position,
    },
  });
  return card.id;
}

/** `count` answered quiz responses of one formative attempt in the module (ids to feed cards with). */
export async function makeQuizResponses(db: Db, userId: string, moduleId: string, count: number): Promise<string[]> {
  const item = await db.quizItem.create({
    data: {
      moduleId,
      language: "fr",
      difficulty: 3,
      questionType: "recall",
      conceptKey: "offre",
      stem: "Qu'est-ce que l'offre ?",
      options: ["a", "b", "c", "d"],
      correctOption: 0,
      explanation: "L'offre est…",
    },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const attempt = await db.quizAttempt.create({
      data: {
        userId,
        moduleId,
        kind: "formative",
        status: "submitted",
        submittedAt: new Date(),
        score: 100,
        language: "fr",
        maxItems: 10,
      },
    });
    const response = await db.quizAttemptResponse.create({
      data: {
        attemptId: attempt.id,
        itemId: item.id,
        position: 1,
        difficulty: 3,
        selectedOption: 0,
        correct: true,
        thetaAfter: 0.5,
        seAfter: 0.9,
        answeredAt: new Date(),
      },
    });
    ids.push(response.id);
  }
  return ids;
}
