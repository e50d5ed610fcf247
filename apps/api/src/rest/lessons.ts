/**
 * REST: /api/v1/modules/{id}/lessons/{unit_id} (the cached lesson as JSON, or 202 while it is
 * generated), its SSE stream, reading progress, and /api/v1/lessons/readings (delta sync).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  fieldsQuerySchema,
  LESSON_FIELDS,
  lessonGeneratingSchema,
  lessonParams,
  lessonReadingDeltaSchema,
  lessonReadingInput,
  lessonReadingSchema,
  lessonReadingsQuery,
  lessonSchema,
} from "@sira/contracts";
import {
  getLessonOrStartGeneration,
  type LessonEvent,
  type LessonStream,
  lessonReadingsSince,
  openLessonStream,
  recordLessonReading,
} from "@sira/domain";
import type { Context } from "hono";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { deltaEnvelope, parseFields, parseSince, pickFields } from "../http/lists.ts";
import { type SseWriter, sseResponse } from "../http/sse.ts";
import { acquireStreamSlot } from "../http/stream-slots.ts";
import { bearer, body, json, problems } from "./docs.ts";

const LESSON = "/api/v1/modules/{id}/lessons/{unit_id}";
const tags = ["lessons"];
const guarded = { 401: problems[401], 403: problems[403], 404: problems[404] };

export const lessonStreamPath = (moduleId: string, unitId: string): string =>
  `/api/v1/modules/${moduleId}/lessons/${unitId}/stream`;

const routes = {
  lesson: createRoute({
    method: "get",
    path: LESSON,
    tags,
    security: bearer,
    summary:
      "The lesson in the request's language, at the learner's level and country: 200 when cached " +
      "(?fields= trims it), else 202 after starting its generation (follow stream_url). With " +
      "`Accept: text/event-stream` it answers the event stream of /stream directly",
    request: { params: lessonParams, query: fieldsQuerySchema },
    responses: {
      200: {
        description: "The cached lesson (JSON), or its event stream when asked for text/event-stream",
        content: {
          "application/json": { schema: lessonSchema.partial().required({ id: true }) },
          "text/event-stream": { schema: z.string() },
        },
      },
      202: json(lessonGeneratingSchema, "Being generated"),
      400: problems[400],
      ...guarded,
      409: problems[409],
      429: { ...problems[429], description: "GENERATION_QUOTA_EXCEEDED or TOO_MANY_STREAMS; see Retry-After" },
    },
  }),
  stream: createRoute({
    method: "get",
    path: `${LESSON}/stream`,
    tags,
    security: bearer,
    summary:
      "The lesson as server-sent events: meta at once, coalesced delta frames, citation, done " +
      "(error on failure). Cached lessons replay; Last-Event-ID (a text offset) resumes",
    request: { params: lessonParams },
    responses: {
      200: {
        description: "An event stream (meta, delta, citation, done, error)",
        content: { "text/event-stream": { schema: z.string() } },
      },
      ...guarded,
      409: problems[409],
      429: { ...problems[429], description: "GENERATION_QUOTA_EXCEEDED or TOO_MANY_STREAMS; see Retry-After" },
    },
  }),
  reading: createRoute({
    method: "put",
    path: `${LESSON}/reading`,
    tags,
    security: bearer,
    summary:
      "Report reading progress: read_pct never decreases, time_spent_seconds is the running total " +
      "(the largest value is kept), completed_at is set once. Safe to replay",
    request: { params: lessonParams, ...body(lessonReadingInput) },
    responses: { 200: json(lessonReadingSchema, "The reading progress"), 400: problems[400], ...guarded },
  }),
  readings: createRoute({
    method: "get",
    path: "/api/v1/lessons/readings",
    tags,
    security: bearer,
    summary: "The caller's reading progress changed since ?since= (all without it), oldest first",
    request: { query: lessonReadingsQuery },
    responses: { 200: json(lessonReadingDeltaSchema, "Changes"), 400: problems[400], 401: problems[401] },
  }),
};

const wantsEventStream = (c: Context<AppEnv>): boolean => (c.req.header("accept") ?? "").includes("text/event-stream");

/** One domain lesson event on the wire: text is coalesced into `delta` frames; a restart is a `meta` {reset}. */
function frameLessonEvent(writer: SseWriter, event: LessonEvent): void {
  switch (event.type) {
    case "text":
      writer.delta(event.text);
      return;
    case "restart":
      writer.restartText();
      writer.send("meta", { reset: true });
      return;
    case "sources":
      writer.send("citation", { sources: event.sources });
      return;
    case "done":
      writer.send("done", { content_id: event.contentId, version: event.version });
      return;
  }
}

/**
 * The lesson as server-sent events: meta at once, then the cached replay or the live generation.
 * The stream holds one of the user's stream slots (429 when none is free) until it ends.
 */
async function streamLesson(c: Context<AppEnv>, moduleId: string, unitId: string): Promise<Response> {
  const { deps, learner } = callerOf(c);
  const slot = await acquireStreamSlot(learner.viewer.userId, {
    redis: deps.redis,
    logger: c.get("log"),
    limit: deps.config.SSE_MAX_STREAMS_PER_USER,
  });
  let stream: LessonStream;
  try {
    stream = await openLessonStream(deps, learner, moduleId, unitId);
  } catch (error) {
    slot.release();
    throw error;
  }
  return sseResponse(
    c,
    async (writer, signal) => {
      writer.send("meta", stream.meta);
      for await (const event of stream.events(signal)) {
        if (writer.closed) return;
        frameLessonEvent(writer, event);
      }
    },
    {},
    slot.release,
  );
}

export function mountLessonRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/modules/:id/lessons/*", requireRole());
  app.use("/api/v1/lessons/readings", requireRole());

  app.openapi(routes.lesson, async (c) => {
    const { id, unit_id } = c.req.valid("param");
    if (wantsEventStream(c)) return streamLesson(c, id, unit_id);
    const fields = parseFields(c.req.valid("query").fields, LESSON_FIELDS);
    const result = await getLessonOrStartGeneration(c.get("deps"), callerOf(c).learner, id, unit_id);
    if (result.status === "ready") return c.json({ ...pickFields(result.lesson, fields), id: result.lesson.id }, 200);
    return c.json(
      { status: "generating" as const, stream_url: lessonStreamPath(id, unit_id), job_id: result.jobId },
      202,
    );
  });

  app.openapi(routes.stream, async (c) => {
    const { id, unit_id } = c.req.valid("param");
    return streamLesson(c, id, unit_id);
  });

  app.openapi(routes.reading, async (c) => {
    const { deps, learner, meta } = callerOf(c);
    const { id, unit_id } = c.req.valid("param");
    const reading = await recordLessonReading(deps, learner, id, unit_id, c.req.valid("json"), meta.occurredAt);
    return c.json(reading, 200);
  });

  app.openapi(routes.readings, async (c) => {
    const query = c.req.valid("query");
    const startedAt = new Date();
    const since = parseSince(query.since, startedAt);
    const { deps, viewer } = callerOf(c);
    const delta = await lessonReadingsSince(deps.db, viewer, { since, limit: query.limit, now: startedAt });
    return c.json(deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt }), 200);
  });
}
