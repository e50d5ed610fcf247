/**
 * REST: /api/v1/modules/{module_id}/lessons/{unit_id} (the cached lesson as JSON, or 202 while it
 * is generated, or the event stream) and its SSE route. Hand-written: neither answer is an
 * ordinary endpoint's. Reading progress is in endpoints/lessons.ts.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { fieldsQuerySchema, LESSON_FIELDS, lessonGeneratingSchema, lessonParams, lessonSchema } from "@sira/contracts";
import { getLessonOrStartGeneration, openLessonStream } from "@sira/domain";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, notModified, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { LESSON_ERRORS, lessonStreamPath } from "../endpoints/lessons.ts";
import { parseFields, pickFields } from "../http/lists.ts";
import { frameTextEvent, sseResponse } from "../http/sse.ts";
import { openWithStreamSlot } from "../http/stream-slots.ts";

const LESSON = "/api/v1/modules/{module_id}/lessons/{unit_id}";
const access = { method: "get", auth: "learner" } as const;
const STREAM_ERRORS = [...LESSON_ERRORS, "TOO_MANY_STREAMS"] as const;
const eventStream = { "text/event-stream": { schema: z.string() } };

const routes = {
  lesson: createRoute({
    method: "get",
    path: LESSON,
    tags: ["lessons"],
    security: bearer,
    summary:
      "The lesson in the request's language, at the learner's level and country: 200 when cached " +
      "(?fields= trims it), else 202 after starting its generation (follow stream_url). With " +
      "`Accept: text/event-stream` it answers the event stream of /stream directly",
    middleware: routeMiddleware(access),
    request: { params: lessonParams, query: fieldsQuerySchema },
    responses: {
      200: {
        description: "The cached lesson (JSON), or its event stream when asked for text/event-stream",
        content: { "application/json": { schema: lessonSchema.partial().required({ id: true }) }, ...eventStream },
      },
      202: json(lessonGeneratingSchema, "Being generated"),
      304: notModified,
      ...problemResponses({ ...access, input: true, fields: true, errors: STREAM_ERRORS }),
    },
  }),
  stream: createRoute({
    method: "get",
    path: `${LESSON}/stream`,
    tags: ["lessons"],
    security: bearer,
    summary:
      "The lesson as server-sent events: meta at once, coalesced delta frames, citation, done " +
      "(error on failure). Cached lessons replay; Last-Event-ID (a text offset) resumes",
    middleware: routeMiddleware(access),
    request: { params: lessonParams },
    responses: {
      200: { description: "An event stream (meta, delta, citation, done, error)", content: eventStream },
      ...problemResponses({ ...access, input: true, errors: STREAM_ERRORS }),
    },
  }),
};

const wantsEventStream = (c: Context<AppEnv>): boolean => (c.req.header("accept") ?? "").includes("text/event-stream");

/**
 * The lesson as server-sent events: meta at once, then the cached replay or the live generation.
 * The stream holds one of the user's stream slots (429 when none is free) until it ends.
 */
function streamLesson(c: Context<AppEnv>, moduleId: string, unitId: string): Promise<Response> {
  const { deps, learner } = callerOf(c);
  return openWithStreamSlot(c, async (release) => {
    const stream = await openLessonStream(deps, learner, moduleId, unitId, { idleTimeoutMs: deps.config.SSE_IDLE_MS });
    return sseResponse(
      c,
      async (writer, signal) => {
        writer.send("meta", stream.meta);
        for await (const event of stream.events(signal, writer.resumedFrom)) {
          if (writer.closed) return;
          frameTextEvent(writer, event, (done) => ({ content_id: done.contentId, version: done.version }));
        }
      },
      {},
      release,
    );
  });
}

/** The lesson and its stream: a 200-or-202 answer and an event stream are no ordinary endpoints. */
export function mountLessonRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.lesson, async (c) => {
    const { module_id, unit_id } = c.req.valid("param");
    if (wantsEventStream(c)) return streamLesson(c, module_id, unit_id);
    const fields = parseFields(c.req.valid("query").fields, LESSON_FIELDS);
    const result = await getLessonOrStartGeneration(c.get("deps"), callerOf(c).learner, module_id, unit_id);
    if (result.status === "ready") return c.json({ ...pickFields(result.lesson, fields), id: result.lesson.id }, 200);
    return c.json(
      { status: "generating" as const, stream_url: lessonStreamPath(module_id, unit_id), job_id: result.jobId },
      202,
    );
  });

  app.openapi(routes.stream, async (c) => {
    const { module_id, unit_id } = c.req.valid("param");
    return streamLesson(c, module_id, unit_id);
  });
}
