/** The French and English decks of a module, stored and regenerated as the flashcard suites need them. */
import type { Db } from "@sira/infra/db";
import { type CachedContent, replaceGeneratedContent } from "../../../../packages/domain/src/content/cache.ts";
import { deckKey, sampleDeck, storeDeck } from "../../../../packages/domain/test/flashcards/fixtures.ts";

export interface StoredDecks {
  fr: CachedContent;
  en: CachedContent;
}

/** Stores the sample deck of `moduleId` (level 1) in French and in English. */
export async function storeBothDecks(db: Db, moduleId: string): Promise<StoredDecks> {
  const fr = await storeDeck(db, deckKey(moduleId, "fr", 1), sampleDeck("fr"));
  const en = await storeDeck(db, deckKey(moduleId, "en", 1), sampleDeck("en"));
  return { fr, en };
}

/**
 * Regenerates both decks in place (the next version) with only `concepts`, as a new generation
 * does: the cards of every other concept are retired.
 */
export async function regenerateDecks(db: Db, decks: StoredDecks, concepts: string[]): Promise<void> {
  for (const language of ["fr", "en"] as const) {
    const row = decks[language];
    await replaceGeneratedContent(db, row.id, row.version, {
      content: sampleDeck(language, concepts, "v2"),
      sourcesCited: row.sourcesCited,
      model: "offline-extractive",
      metadata: {},
    });
  }
}
