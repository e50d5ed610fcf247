/** tRPC `content`: lessons for learners (cached lesson or generation started, reading progress). */
import {
  LESSON_FIELDS,
  lessonInput,
  lessonOrGeneratingSchema,
  lessonReadingDeltaSchema,
  lessonReadingInput,
  lessonReadingSchema,
  lessonReadingsQuery,
} from "@sira/contracts";
import { getLessonOrStartGeneration, lessonReadingsSince, recordLessonReading } from "@sira/domain";
import { z } from "zod";
import { deltaEnvelope, parseFields, parseSince, pickFields } from "../../http/lists.ts";
import { lessonStreamPath } from "../../rest/lessons.ts";
import { authedProcedure, router } from "../init.ts";

export const contentRouter = router({
  /** The cached lesson, or `generating` with the SSE stream to follow (generation is started once). */
  lesson: authedProcedure
    .input(lessonInput)
    .output(lessonOrGeneratingSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, LESSON_FIELDS);
      const result = await getLessonOrStartGeneration(ctx.deps, ctx.learner, input.module_id, input.unit_id);
      if (result.status === "ready") {
        return { status: "ready" as const, lesson: { ...pickFields(result.lesson, fields), id: result.lesson.id } };
      }
      return {
        status: "generating" as const,
        stream_url: lessonStreamPath(input.module_id, input.unit_id),
        job_id: result.jobId,
      };
    }),
  /** Reports reading progress (monotonic; safe to replay). */
  reading: authedProcedure
    .input(lessonReadingInput.extend({ module_id: z.uuid(), unit_id: z.uuid() }))
    .output(lessonReadingSchema)
    .mutation(({ ctx, input }) => {
      const { module_id, unit_id, ...report } = input;
      return recordLessonReading(ctx.deps, ctx.learner, module_id, unit_id, report, ctx.meta.occurredAt);
    }),
  /** Reading progress changed since `since` (all without it). */
  readings: authedProcedure
    .input(lessonReadingsQuery)
    .output(lessonReadingDeltaSchema)
    .query(async ({ ctx, input }) => {
      const startedAt = new Date();
      const since = parseSince(input.since, startedAt);
      const delta = await lessonReadingsSince(ctx.deps.db, ctx.viewer, { since, limit: input.limit, now: startedAt });
      return deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt });
    }),
});
