/**
 * The AI tutor: conversations and their history, today's message count, the learner memory, and
 * (tRPC) asking a question, which answers where to stream the answer from. The REST question,
 * answered as an event stream, and the answer's resumable stream are hand-written in rest/tutor.ts.
 */
import {
  learnerMemorySchema,
  TUTOR_CONVERSATION_FIELDS,
  TUTOR_MESSAGE_FIELDS,
  tutorAskInput,
  tutorConversationParams,
  tutorConversationSchema,
  tutorConversationsQuery,
  tutorCourseParams,
  tutorMessageSchema,
  tutorRemainingSchema,
  tutorTurnSchema,
} from "@sira/contracts";
import {
  askTutor,
  clearLearnerMemory,
  conversationHistory,
  deleteConversation,
  getLearnerMemory,
  listConversations,
  tutorRemaining,
} from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

export const tutorAnswerStreamPath = (answerId: string): string => `/api/v1/tutor/answers/${answerId}/stream`;

/**
 * What asking can refuse: the course (404/403), the conversation (404), today's limit and answers
 * still pending (429).
 */
export const TUTOR_ASK_ERRORS = [
  "NOT_FOUND",
  "NOT_ENROLLED",
  "TUTOR_LIMIT_REACHED",
  "TUTOR_ANSWERS_PENDING",
  "IDEMPOTENCY_KEY_REUSED",
] as const;

export const tutorEndpoints = {
  /** tRPC: asks, then the client follows `stream_url` (REST POST /api/v1/tutor/messages streams at once). */
  ask: endpoint({
    method: "post",
    auth: "learner",
    summary: "Ask the tutor; the answer streams from stream_url",
    body: tutorAskInput,
    output: tutorTurnSchema,
    keyed: true,
    errors: TUTOR_ASK_ERRORS,
    handle: async ({ ctx, input, idempotencyKey }) => {
      const turn = await askTutor(ctx.deps, ctx.learner, input, { idempotencyKey, now: ctx.meta.now });
      return {
        conversation_id: turn.conversationId,
        message_id: turn.messageId,
        answer_id: turn.answerId,
        stream_url: tutorAnswerStreamPath(turn.answerId),
        messages_left: turn.messagesLeft,
        replayed: turn.replayed,
      };
    },
  }),
  remaining: endpoint({
    method: "get",
    path: "/api/v1/tutor/remaining",
    auth: "learner",
    summary:
      "Today's tutor messages: the limit (subscription, else free tier), used, remaining, and resets_at (the " +
      "next midnight in the learner's time zone)",
    output: tutorRemainingSchema,
    handle: ({ ctx, now }) => tutorRemaining(ctx.deps.db, ctx.viewer.userId, now),
  }),
  conversations: endpoint({
    method: "get",
    path: "/api/v1/tutor/conversations",
    auth: "learner",
    summary:
      "The caller's conversations (?course_id= for one course), most recent first; with ?since= those changed " +
      "since, and deleted ones as tombstones",
    query: tutorConversationsQuery,
    output: tutorConversationSchema,
    shape: "sync",
    fields: TUTOR_CONVERSATION_FIELDS,
    handle: ({ ctx, input, since, now }) =>
      listConversations(ctx.deps.db, ctx.viewer, {
        course_id: input.course_id,
        page: input.page,
        limit: input.limit,
        since,
        now,
      }),
  }),
  history: endpoint({
    method: "get",
    path: "/api/v1/tutor/conversations/{id}",
    auth: "learner",
    summary:
      "A conversation's messages: page 1 is the newest, each page oldest first; with ?since= the messages " +
      "changed since (an answer changes until it is done). 404 for anyone but its owner; 403 NOT_ENROLLED (or " +
      "404) once the owner may no longer read the course",
    params: tutorConversationParams,
    output: tutorMessageSchema,
    shape: "sync",
    fields: TUTOR_MESSAGE_FIELDS,
    errors: ["NOT_FOUND", "NOT_ENROLLED"],
    handle: ({ ctx, input, since, now }) =>
      conversationHistory(ctx.deps.db, ctx.viewer, { id: input.id, page: input.page, limit: input.limit, since, now }),
  }),
  deleteConversation: endpoint({
    method: "delete",
    path: "/api/v1/tutor/conversations/{id}",
    auth: "learner",
    summary:
      "Delete a conversation and its messages (today's message count stays as it is); 409 " +
      "TUTOR_CONVERSATION_ANSWERING (retry_after) while one of its answers is still being written",
    params: tutorConversationParams,
    output: tutorConversationParams,
    status: 204,
    errors: ["NOT_FOUND", "TUTOR_CONVERSATION_ANSWERING"],
    handle: async ({ ctx, input }) => {
      await deleteConversation(ctx.deps.db, ctx.viewer, input.id);
      return { id: input.id };
    },
  }),
  memory: endpoint({
    method: "get",
    path: "/api/v1/tutor/memory/{course_id}",
    auth: "learner",
    summary:
      "What the tutor remembers about the caller in a course: level, goals, misconceptions, strengths, preferences",
    params: tutorCourseParams,
    output: learnerMemorySchema,
    errors: ["NOT_FOUND", "NOT_ENROLLED"],
    handle: ({ ctx, input }) => getLearnerMemory(ctx.deps.db, ctx.viewer, input.course_id),
  }),
  clearMemory: endpoint({
    method: "delete",
    path: "/api/v1/tutor/memory/{course_id}",
    auth: "learner",
    summary:
      "Make the tutor forget what it remembers about the caller in a course, also one the caller left or lost " +
      "(404/403 only when there is nothing to forget)",
    params: tutorCourseParams,
    output: tutorCourseParams,
    status: 204,
    errors: ["NOT_FOUND", "NOT_ENROLLED"],
    handle: async ({ ctx, input }) => {
      await clearLearnerMemory(ctx.deps.db, ctx.viewer, input.course_id);
      return { course_id: input.course_id };
    },
  }),
};
