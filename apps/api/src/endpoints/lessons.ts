/**
 * Lessons for learners: over tRPC the cached lesson or `generating` with the stream to follow;
 * reading progress (monotonic, safe to replay) and its delta sync. The REST lesson (200 or 202, or
 * the event stream) and its SSE route are hand-written in rest/lessons.ts.
 */
import {
  lessonOrGeneratingSchema,
  lessonParams,
  lessonReadingInput,
  lessonReadingSchema,
  lessonReadingsQuery,
} from "@sira/contracts";
import { getLessonOrStartGeneration, lessonReadingsSince, recordLessonReading } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";
import { MODULE_ACCESS } from "./access-errors.ts";

export const lessonStreamPath = (moduleId: string, unitId: string): string =>
  `/api/v1/modules/${moduleId}/lessons/${unitId}/stream`;

/** What the lesson can refuse: access, a failed generation, and the daily generation quota. */
export const LESSON_ERRORS = [...MODULE_ACCESS, "NO_INDEXED_CONTENT", "GENERATION_QUOTA_EXCEEDED"] as const;

export const contentEndpoints = {
  /** The cached lesson, or `generating` with the SSE stream to follow (generation is started once). */
  lesson: endpoint({
    method: "get",
    auth: "learner",
    summary: "The lesson, or where to follow its generation",
    params: lessonParams,
    output: lessonOrGeneratingSchema,
    errors: LESSON_ERRORS,
    handle: async ({ ctx, input }) => {
      const result = await getLessonOrStartGeneration(ctx.deps, ctx.learner, input.module_id, input.unit_id);
      if (result.status === "ready") return { status: "ready" as const, lesson: result.lesson };
      const stream_url = lessonStreamPath(input.module_id, input.unit_id);
      return { status: "generating" as const, stream_url, job_id: result.jobId };
    },
  }),
  reading: endpoint({
    method: "put",
    path: "/api/v1/modules/{module_id}/lessons/{unit_id}/reading",
    auth: "learner",
    summary:
      "Report reading progress: read_pct never decreases, time_spent_seconds is the running total (the largest " +
      "value is kept), completed_at is set once. Safe to replay",
    params: lessonParams,
    body: lessonReadingInput,
    output: lessonReadingSchema,
    errors: MODULE_ACCESS,
    handle: ({ ctx, input: { module_id, unit_id, ...report } }) =>
      recordLessonReading(ctx.deps, ctx.learner, module_id, unit_id, report, ctx.meta.occurredAt),
  }),
  readings: endpoint({
    method: "get",
    path: "/api/v1/lessons/readings",
    auth: "learner",
    summary: "The caller's reading progress changed since ?since= (all without it), oldest first",
    query: lessonReadingsQuery,
    output: lessonReadingSchema,
    shape: "delta",
    handle: ({ ctx, input, since, now }) =>
      lessonReadingsSince(ctx.deps.db, ctx.viewer, { since, limit: input.limit, now }),
  }),
};
