/** Flashcards: the module deck with the learner's FSRS memory, quick review and reviews. */
import { z } from "zod";
import { SourceRefSchema } from "./content.ts";

export const FLASHCARD_STATES = ["new", "learning", "review", "relearning"] as const;
export const flashcardStateSchema = z.enum(FLASHCARD_STATES);

/** The learner's memory of a card (null on the card until its first review). */
export const flashcardMemorySchema = z.object({
  due: z.iso.datetime(),
  state: flashcardStateSchema,
  stability: z.number(),
  difficulty: z.number(),
  scheduled_days: z.number().int(),
  reps: z.number().int(),
  lapses: z.number().int(),
  last_review: z.iso.datetime().nullable(),
});
export type FlashcardMemory = z.infer<typeof flashcardMemorySchema>;

/** A card in the request's language (term, definition, example), with both stored languages. */
export const flashcardSchema = z.object({
  id: z.uuid(),
  module_id: z.uuid(),
  concept_key: z.string(),
  position: z.number().int(),
  term: z.string(),
  term_fr: z.string(),
  term_en: z.string().nullable(),
  definition: z.string(),
  definition_fr: z.string(),
  definition_en: z.string(),
  example: z.string().nullable(),
  formula: z.string().nullable(),
  sources: z.array(SourceRefSchema),
  memory: flashcardMemorySchema.nullable(),
  updated_at: z.iso.datetime(),
});
export type FlashcardView = z.infer<typeof flashcardSchema>;
export const FLASHCARD_FIELDS = Object.keys(flashcardSchema.shape);

const partialCard = flashcardSchema.partial().required({ id: true });

export const flashcardModuleParams = z.object({ module_id: z.uuid() });
export const flashcardCardParams = z.object({ card_id: z.uuid() });

/** Quick review: the most urgent cards within today's time budget. */
export const flashcardDueSchema = z.object({
  items: z.array(partialCard),
  /** Cards already studied that are due now (all of them, not only this session's). */
  due_total: z.number().int(),
  /** New cards quick review may still introduce today. */
  new_allowed_today: z.number().int(),
  seconds_per_card: z.number(),
  remaining_budget_seconds: z.number().int(),
  server_time: z.iso.datetime(),
});
export type FlashcardDue = z.infer<typeof flashcardDueSchema>;

export const FLASHCARD_RATINGS = [1, 2, 3, 4] as const;
export const flashcardReviewInput = z.strictObject({
  /** 1 again, 2 hard, 3 good, 4 easy. */
  rating: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  duration_ms: z
    .number()
    .int()
    .min(0)
    .max(60 * 60_000)
    .optional(),
});
export type FlashcardReviewInput = z.infer<typeof flashcardReviewInput>;

export const flashcardReviewResultSchema = z.object({
  card_id: z.uuid(),
  reviewed_at: z.iso.datetime(),
  due: z.iso.datetime(),
  stability: z.number(),
  difficulty: z.number(),
  state: flashcardStateSchema,
  scheduled_days: z.number().int(),
  reps: z.number().int(),
  lapses: z.number().int(),
  last_review: z.iso.datetime().nullable(),
  /** True when this review had already been recorded (same Idempotency-Key): nothing changed. */
  duplicate: z.boolean(),
});
export type FlashcardReviewResult = z.infer<typeof flashcardReviewResultSchema>;
