/**
 * Flashcards: a module's deck (page or `?since=` delta), quick review and reviews. Reviews replayed
 * from an offline queue carry X-Offline-Queued-At and their original Idempotency-Key; they count
 * once and are applied in the order they happened.
 */
import {
  FLASHCARD_FIELDS,
  flashcardCardParams,
  flashcardDueSchema,
  flashcardModuleParams,
  flashcardReviewInput,
  flashcardReviewResultSchema,
  flashcardSchema,
} from "@sira/contracts";
import { getModuleDeck, quickReview, reviewFlashcard } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

export const flashcardEndpoints = {
  deck: endpoint({
    method: "get",
    path: "/api/v1/modules/{module_id}/flashcards",
    auth: "learner",
    summary:
      "The module's deck in the request's language with the caller's memory of each card; with ?since= the " +
      "cards and memories changed since, and retired cards as tombstones. 409 NOT_READY (retry_after) while " +
      "the deck is generated; 423 MODULE_LOCKED for a locked module",
    params: flashcardModuleParams,
    output: flashcardSchema,
    shape: "sync",
    fields: FLASHCARD_FIELDS,
    errors: ["NOT_FOUND", "NOT_ENROLLED", "NOT_READY", "MODULE_LOCKED", "NO_INDEXED_CONTENT"],
    handle: ({ ctx, input, since }) =>
      getModuleDeck(ctx.deps, ctx.learner, input.module_id, { page: input.page, limit: input.limit, since }),
  }),
  due: endpoint({
    method: "get",
    path: "/api/v1/flashcards/due",
    auth: "learner",
    summary:
      "Quick review: the 10-20 most urgent cards across the caller's courses, within 15 minutes a day " +
      "estimated from their review durations; due_total and remaining_budget_seconds",
    output: flashcardDueSchema,
    fields: FLASHCARD_FIELDS,
    fieldsIn: "items",
    handle: async ({ ctx, now }) => ({
      ...(await quickReview(ctx.deps.db, ctx.learner, now)),
      server_time: now.toISOString(),
    }),
  }),
  review: endpoint({
    method: "post",
    path: "/api/v1/flashcards/{card_id}/review",
    auth: "learner",
    summary:
      "Review a card (rating 1 again, 2 hard, 3 good, 4 easy) at X-Offline-Queued-At or now; returns the next " +
      "due time, stability and difficulty. Safe to replay with the same Idempotency-Key",
    params: flashcardCardParams,
    body: flashcardReviewInput,
    output: flashcardReviewResultSchema,
    keyed: true,
    errors: ["NOT_FOUND", "NOT_ENROLLED", "MODULE_LOCKED"],
    handle: ({ ctx, input: { card_id, ...review }, idempotencyKey }) =>
      reviewFlashcard(ctx.deps, ctx.learner, card_id, review, { occurredAt: ctx.meta.occurredAt, idempotencyKey }),
  }),
};
