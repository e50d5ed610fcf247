/**
 * REST: POST /api/v1/tutor/messages answers the question as an event stream (meta at once, then
 * coalesced delta frames, citation, done; error on failure), and GET /api/v1/tutor/answers/{id}/stream
 * streams the same answer again: from where the client stopped with Last-Event-ID, or whole once
 * stored. Hand-written: both answer event streams. The rest of the tutor is in endpoints/tutor.ts.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { tutorAnswerParams, tutorAskInput } from "@sira/contracts";
import { answerEvents, askTutor, findOwnAnswer, tutorRemaining } from "@sira/domain";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { TUTOR_ASK_ERRORS, tutorAnswerStreamPath } from "../endpoints/tutor.ts";
import { idempotencyKeyOf } from "../http/idempotency.ts";
import { frameTextEvent, resumeOffset, sseResponse } from "../http/sse.ts";
import { openWithStreamSlot } from "../http/stream-slots.ts";

const eventStream = { "text/event-stream": { schema: z.string() } };
const ask = { method: "post", auth: "learner", idempotency: false } as const;
const follow = { method: "get", auth: "learner" } as const;

const routes = {
  ask: createRoute({
    method: "post",
    path: "/api/v1/tutor/messages",
    tags: ["tutor"],
    security: bearer,
    summary:
      "Ask the tutor about a course (conversation_id continues one). Answers an event stream: meta " +
      "(conversation_id, message_id, answer_id, messages_left, stream_url) at once, delta frames, citation, done " +
      "(error on failure). An Idempotency-Key retry neither asks nor counts again: it streams the same answer. " +
      "429 TUTOR_LIMIT_REACHED (retry_after, resets_at) past today's limit; 429 TUTOR_ANSWERS_PENDING (retry_after) " +
      "while TUTOR_MAX_ANSWERS_IN_FLIGHT of the learner's answers are still waiting or being written",
    middleware: routeMiddleware(ask),
    request: { body: { required: true, content: { "application/json": { schema: tutorAskInput } } } },
    responses: {
      200: { description: "An event stream (meta, delta, citation, done, error)", content: eventStream },
      ...problemResponses({
        ...ask,
        input: true,
        body: true,
        idempotency: true,
        errors: [...TUTOR_ASK_ERRORS, "TOO_MANY_STREAMS"],
      }),
    },
  }),
  stream: createRoute({
    method: "get",
    path: "/api/v1/tutor/answers/{answer_id}/stream",
    tags: ["tutor"],
    security: bearer,
    summary:
      "The answer's event stream again: Last-Event-ID (a text offset) resumes where the client stopped; a " +
      "stored answer replays. 404 for anyone but the asker; 403 NOT_ENROLLED (or 404) once the asker may no " +
      "longer read the course",
    middleware: routeMiddleware(follow),
    request: { params: tutorAnswerParams },
    responses: {
      200: { description: "An event stream (meta, delta, citation, done, error)", content: eventStream },
      ...problemResponses({ ...follow, input: true, errors: ["NOT_FOUND", "NOT_ENROLLED", "TOO_MANY_STREAMS"] }),
    },
  }),
};

interface StreamTarget {
  conversationId: string;
  messageId: string;
  answerId: string;
  messagesLeft: number;
}

function streamAnswer(c: Context<AppEnv>, target: StreamTarget, release: () => void): Response {
  const deps = c.get("deps");
  const offset = resumeOffset(c.req.header("last-event-id") ?? c.req.query("last_event_id"));
  return sseResponse(
    c,
    async (writer, signal) => {
      writer.send("meta", {
        conversation_id: target.conversationId,
        message_id: target.messageId,
        answer_id: target.answerId,
        messages_left: target.messagesLeft,
        stream_url: tutorAnswerStreamPath(target.answerId),
      });
      const options = { resumeOffset: offset, idleTimeoutMs: deps.config.SSE_IDLE_MS };
      for await (const event of answerEvents(deps, target.answerId, signal, options)) {
        if (writer.closed) return;
        frameTextEvent(writer, event, (done) => ({ answer_id: target.answerId, status: done.status }));
      }
    },
    {},
    release,
  );
}

export function mountTutorRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.ask, async (c) => {
    const input = c.req.valid("json");
    const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
    const { deps, learner, meta } = callerOf(c);
    return openWithStreamSlot(c, async (release) =>
      streamAnswer(c, await askTutor(deps, learner, input, { idempotencyKey, now: meta.now }), release),
    );
  });

  app.openapi(routes.stream, async (c) => {
    const { answer_id } = c.req.valid("param");
    const { deps, viewer, meta } = callerOf(c);
    return openWithStreamSlot(c, async (release) => {
      const answer = await findOwnAnswer(deps, viewer, answer_id);
      const left = await tutorRemaining(deps.db, viewer.userId, meta.now);
      return streamAnswer(c, { ...answer, messagesLeft: left.remaining }, release);
    });
  });
}
