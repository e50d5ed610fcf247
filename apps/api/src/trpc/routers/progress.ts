/** tRPC `progress`: a course's modules with progress and lock state, one module, unit start/complete, delta sync. */
import {
  MODULE_FIELDS,
  moduleDetailSchema,
  moduleIdInput,
  moduleListQuery,
  modulePageSchema,
  progressDeltaSchema,
  progressSinceQuery,
  unitActionSchema,
  unitCompleteInput,
} from "@sira/contracts";
import { completeUnit, getModuleProgress, listCourseModules, progressSince, startUnit } from "@sira/domain";
import { z } from "zod";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../../http/lists.ts";
import { authedProcedure, router } from "../init.ts";

const unitInput = z.strictObject({ module_id: z.uuid(), unit_id: z.uuid() });

export const progressRouter = router({
  /** A course's modules with the caller's progress and lock state. */
  modules: authedProcedure
    .input(moduleListQuery)
    .output(modulePageSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, MODULE_FIELDS);
      const { items, total } = await listCourseModules(
        ctx.deps.db,
        { viewer: ctx.viewer, language: ctx.lang },
        input.course_id,
        input,
      );
      return pageEnvelope(
        items.map((m) => ({ ...pickFields(m, fields), id: m.id })),
        total,
        input,
      );
    }),
  /** One module with its units and the caller's progress. */
  module: authedProcedure
    .input(moduleIdInput)
    .output(moduleDetailSchema)
    .query(({ ctx, input }) =>
      getModuleProgress(ctx.deps.db, { viewer: ctx.viewer, language: ctx.lang }, input.module_id),
    ),
  /** Starts a unit (MODULE_LOCKED on a locked module). */
  startUnit: authedProcedure
    .input(unitInput)
    .output(unitActionSchema)
    .mutation(({ ctx, input }) =>
      startUnit(ctx.deps, ctx.viewer, { moduleId: input.module_id, unitId: input.unit_id }, ctx.meta.occurredAt),
    ),
  /** Completes a unit (idempotent). */
  completeUnit: authedProcedure
    .input(unitInput.extend(unitCompleteInput.shape))
    .output(unitActionSchema)
    .mutation(({ ctx, input }) =>
      completeUnit(
        ctx.deps,
        ctx.viewer,
        { moduleId: input.module_id, unitId: input.unit_id },
        ctx.meta.occurredAt,
        input.time_spent_seconds === undefined ? {} : { timeSpentSeconds: input.time_spent_seconds },
      ),
    ),
  /** Stored progress changed since `since` (all without it). */
  since: authedProcedure
    .input(progressSinceQuery)
    .output(progressDeltaSchema)
    .query(async ({ ctx, input }) => {
      const startedAt = new Date();
      const since = parseSince(input.since, startedAt);
      const delta = await progressSince(ctx.deps.db, ctx.viewer, { since, limit: input.limit, now: startedAt });
      return deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt });
    }),
});
