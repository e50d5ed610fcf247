/** A learner's FSRS memory of one card as stored in flashcard_reviews, and as the algorithms see it. */
import type { CardMemory, CardStateName } from "@sira/algorithms";
import type { FlashcardMemory } from "@sira/contracts";

/** The flashcard_reviews columns that hold the memory: CardMemory's names, the state as stored text. */
export type MemoryRow = Omit<CardMemory, "state"> & { state: string };

export const memorySelect = {
  due: true,
  stability: true,
  difficulty: true,
  elapsedDays: true,
  scheduledDays: true,
  learningSteps: true,
  reps: true,
  lapses: true,
  state: true,
  lastReview: true,
} as const;

export function memoryOfRow(row: MemoryRow): CardMemory {
  return {
    due: row.due,
    stability: row.stability,
    difficulty: row.difficulty,
    elapsedDays: row.elapsedDays,
    scheduledDays: row.scheduledDays,
    learningSteps: row.learningSteps,
    reps: row.reps,
    lapses: row.lapses,
    state: row.state as CardStateName,
    lastReview: row.lastReview,
  };
}

/** The memory as clients see it. */
export function toMemoryView(memory: MemoryRow): FlashcardMemory {
  return {
    due: memory.due.toISOString(),
    state: memory.state as CardStateName,
    stability: memory.stability,
    difficulty: memory.difficulty,
    scheduled_days: memory.scheduledDays,
    reps: memory.reps,
    lapses: memory.lapses,
    last_review: memory.lastReview?.toISOString() ?? null,
  };
}
