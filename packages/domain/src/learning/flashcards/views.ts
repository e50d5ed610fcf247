/** A card as the learner sees it: texts in the request's language, both stored languages, and their memory. */
import type { FlashcardView, Language, SourceRef } from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";
import { inLanguage } from "../../bilingual.ts";
import { type MemoryRow, memorySelect, toMemoryView } from "./memory.ts";

export const cardSelect = {
  id: true,
  moduleId: true,
  conceptKey: true,
  position: true,
  termFr: true,
  termEn: true,
  definitionFr: true,
  definitionEn: true,
  exampleFr: true,
  exampleEn: true,
  formula: true,
  sourcesCited: true,
  updatedAt: true,
} satisfies Prisma.FlashcardSelect;

export type CardRow = Prisma.FlashcardGetPayload<{ select: typeof cardSelect }>;

/** The card selection plus the viewer's memory row (at most one). */
export const cardWithMemorySelect = (userId: string) =>
  ({
    ...cardSelect,
    reviews: { where: { userId }, select: { ...memorySelect, updatedAt: true }, take: 1 },
  }) satisfies Prisma.FlashcardSelect;

export type CardWithMemoryRow = CardRow & { reviews: (MemoryRow & { updatedAt: Date })[] };

export function toCardView(card: CardRow, memory: MemoryRow | null, language: Language): FlashcardView {
  return {
    id: card.id,
    module_id: card.moduleId,
    concept_key: card.conceptKey,
    position: card.position,
    term: inLanguage(language, card.termFr, card.termEn),
    term_fr: card.termFr,
    term_en: card.termEn,
    definition: inLanguage(language, card.definitionFr, card.definitionEn),
    definition_fr: card.definitionFr,
    definition_en: card.definitionEn,
    example: inLanguage(language, card.exampleFr, card.exampleEn),
    formula: card.formula,
    sources: (card.sourcesCited ?? []) as SourceRef[],
    memory: memory ? toMemoryView(memory) : null,
    updated_at: card.updatedAt.toISOString(),
  };
}

export function toCardWithMemoryView(row: CardWithMemoryRow, language: Language): FlashcardView {
  return toCardView(row, row.reviews[0] ?? null, language);
}
