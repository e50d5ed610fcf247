/** tRPC `flashcards`: a module's deck (page or delta), quick review and reviews. */
import {
  FLASHCARD_FIELDS,
  flashcardDeckInput,
  flashcardDeckSchema,
  flashcardDueQuery,
  flashcardDueSchema,
  flashcardReviewResultSchema,
  flashcardReviewTrpcInput,
} from "@sira/contracts";
import { getModuleDeck, quickReview, reviewFlashcard } from "@sira/domain";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../../http/lists.ts";
import { authedProcedure, router } from "../init.ts";

export const flashcardsRouter = router({
  /** The module's deck with the caller's memory per card; with `since`, what changed (retired cards as tombstones). */
  deck: authedProcedure
    .input(flashcardDeckInput)
    .output(flashcardDeckSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, FLASHCARD_FIELDS);
      const startedAt = new Date();
      const since = parseSince(input.since, startedAt);
      const deck = await getModuleDeck(ctx.deps, ctx.learner, input.module_id, { ...input, since });
      const items = deck.items.map((card) => ({ ...pickFields(card, fields), id: card.id }));
      if (deck.kind === "page") {
        return { ...pageEnvelope(items, deck.total, input), server_time: startedAt.toISOString() };
      }
      return deltaEnvelope(items, deck.deleted, { ...deck, reset: false, startedAt });
    }),
  /** Quick review: the most urgent cards within today's budget. */
  due: authedProcedure
    .input(flashcardDueQuery)
    .output(flashcardDueSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, FLASHCARD_FIELDS);
      const now = new Date();
      const session = await quickReview(ctx.deps.db, ctx.learner, now);
      const items = session.items.map((card) => ({ ...pickFields(card, fields), id: card.id }));
      return { ...session, items, server_time: now.toISOString() };
    }),
  /** Reviews a card at the request's occurredAt; `idempotency_key` makes an offline replay count once. */
  review: authedProcedure
    .input(flashcardReviewTrpcInput)
    .output(flashcardReviewResultSchema)
    .mutation(({ ctx, input }) => {
      const { card_id, idempotency_key, ...review } = input;
      return reviewFlashcard(ctx.deps, ctx.learner, card_id, review, {
        occurredAt: ctx.meta.occurredAt,
        idempotencyKey: idempotency_key ?? null,
      });
    }),
});
