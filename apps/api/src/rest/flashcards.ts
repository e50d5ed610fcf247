/**
 * REST: a module's flashcard deck (page or ?since= delta), quick review (/flashcards/due) and
 * reviews. Reviews replayed from an offline queue carry X-Offline-Queued-At and their original
 * Idempotency-Key; they are applied in the order they happened.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  FLASHCARD_FIELDS,
  flashcardCardParams,
  flashcardDeckQuery,
  flashcardDeckSchema,
  flashcardDueQuery,
  flashcardDueSchema,
  flashcardModuleParams,
  flashcardReviewInput,
  flashcardReviewResultSchema,
} from "@sira/contracts";
import { getModuleDeck, quickReview, reviewFlashcard } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const tags = ["flashcards"];
const guarded = { 401: problems[401], 403: problems[403], 404: problems[404] };

const routes = {
  deck: createRoute({
    method: "get",
    path: "/api/v1/modules/{id}/flashcards",
    tags,
    security: bearer,
    summary:
      "The module's deck in the request's language with the caller's memory of each card (paginated, " +
      "?fields=); with ?since= the cards and memories changed since, and retired cards as tombstones. " +
      "409 NOT_READY (retry_after) while the deck is generated; 423 MODULE_LOCKED for a locked module",
    request: { params: flashcardModuleParams, query: flashcardDeckQuery },
    responses: {
      200: json(flashcardDeckSchema, "A page, or a delta with server_time"),
      400: problems[400],
      ...guarded,
      409: problems[409],
      423: problems[403],
    },
  }),
  due: createRoute({
    method: "get",
    path: "/api/v1/flashcards/due",
    tags,
    security: bearer,
    summary:
      "Quick review: the 10-20 most urgent cards across the caller's courses, within 15 minutes a day " +
      "estimated from their review durations; due_total and remaining_budget_seconds",
    request: { query: flashcardDueQuery },
    responses: { 200: json(flashcardDueSchema, "The session"), 400: problems[400], 401: problems[401] },
  }),
  review: createRoute({
    method: "post",
    path: "/api/v1/flashcards/{card_id}/review",
    tags,
    security: bearer,
    summary:
      "Review a card (rating 1 again, 2 hard, 3 good, 4 easy) at X-Offline-Queued-At or now; returns " +
      "the next due time, stability and difficulty. Safe to replay with the same Idempotency-Key",
    request: { params: flashcardCardParams, ...body(flashcardReviewInput) },
    responses: {
      200: json(flashcardReviewResultSchema, "The card's memory after the review"),
      400: problems[400],
      ...guarded,
    },
  }),
};

export function mountFlashcardRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/modules/:id/flashcards", requireRole());
  app.use("/api/v1/flashcards/*", requireRole());

  app.openapi(routes.deck, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, FLASHCARD_FIELDS);
    const startedAt = new Date();
    const since = parseSince(query.since, startedAt);
    const deck = await getModuleDeck(c.get("deps"), callerOf(c).learner, c.req.valid("param").id, { ...query, since });
    const items = deck.items.map((card) => ({ ...pickFields(card, fields), id: card.id }));
    if (deck.kind === "page") {
      return c.json({ ...pageEnvelope(items, deck.total, query), server_time: startedAt.toISOString() }, 200);
    }
    return c.json(deltaEnvelope(items, deck.deleted, { ...deck, reset: false, startedAt }), 200);
  });

  app.openapi(routes.due, async (c) => {
    const fields = parseFields(c.req.valid("query").fields, FLASHCARD_FIELDS);
    const now = new Date();
    const session = await quickReview(c.get("deps").db, callerOf(c).learner, now);
    const items = session.items.map((card) => ({ ...pickFields(card, fields), id: card.id }));
    return c.json({ ...session, items, server_time: now.toISOString() }, 200);
  });

  app.openapi(routes.review, async (c) => {
    const { deps, learner, meta } = callerOf(c);
    const result = await reviewFlashcard(deps, learner, c.req.valid("param").card_id, c.req.valid("json"), {
      occurredAt: meta.occurredAt,
      idempotencyKey: c.req.header("Idempotency-Key") ?? null,
    });
    return c.json(result, 200);
  });
}
