/**
 * Progress: a course's modules with the caller's progress and lock state, one module with its
 * units, unit start and completion (both safe to replay), and the delta sync of stored progress.
 */
import {
  MODULE_FIELDS,
  moduleDetailSchema,
  moduleListQuery,
  moduleParams,
  moduleSummarySchema,
  progressChangeSchema,
  progressSinceQuery,
  unitActionSchema,
  unitCompleteInput,
  unitProgressParams,
} from "@sira/contracts";
import { completeUnit, getModuleProgress, listCourseModules, progressSince, startUnit } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";
import { COURSE_ACCESS, MODULE_ACCESS } from "./access-errors.ts";

const UNIT = "/api/v1/modules/{module_id}/units/{unit_id}";

export const progressEndpoints = {
  modules: endpoint({
    method: "get",
    path: "/api/v1/modules",
    auth: "learner",
    summary:
      "A course's modules in order with the caller's progress and lock state (module N+1 opens at 80 % " +
      "completion and an 80 % quiz average in module N; prereq_modules too)",
    query: moduleListQuery,
    output: moduleSummarySchema,
    shape: "page",
    fields: MODULE_FIELDS,
    errors: COURSE_ACCESS,
    handle: ({ ctx, input }) =>
      listCourseModules(ctx.deps.db, { viewer: ctx.viewer, language: ctx.lang }, input.course_id, input),
  }),
  module: endpoint({
    method: "get",
    path: "/api/v1/modules/{module_id}",
    auth: "learner",
    summary: "One module: objectives (resolved and both languages), units with the caller's progress, lock state",
    params: moduleParams,
    output: moduleDetailSchema,
    errors: COURSE_ACCESS,
    handle: ({ ctx, input }) =>
      getModuleProgress(ctx.deps.db, { viewer: ctx.viewer, language: ctx.lang }, input.module_id),
  }),
  startUnit: endpoint({
    method: "post",
    path: `${UNIT}/start`,
    auth: "learner",
    summary: "Start a unit (the earliest start is kept; X-Offline-Queued-At dates it). Safe to replay",
    params: unitProgressParams,
    output: unitActionSchema,
    errors: MODULE_ACCESS,
    handle: ({ ctx, input }) =>
      startUnit(ctx.deps, ctx.viewer, { moduleId: input.module_id, unitId: input.unit_id }, ctx.meta.occurredAt),
  }),
  completeUnit: endpoint({
    method: "post",
    path: `${UNIT}/complete`,
    auth: "learner",
    summary:
      "Complete a unit: idempotent (completing again changes nothing); time_spent_seconds is the running " +
      "total on the unit (the largest kept). Recomputes the module, unlocks and the enrollment's completion",
    params: unitProgressParams,
    body: unitCompleteInput,
    output: unitActionSchema,
    errors: MODULE_ACCESS,
    handle: ({ ctx, input }) =>
      completeUnit(
        ctx.deps,
        ctx.viewer,
        { moduleId: input.module_id, unitId: input.unit_id },
        ctx.meta.occurredAt,
        input.time_spent_seconds === undefined ? {} : { timeSpentSeconds: input.time_spent_seconds },
      ),
  }),
  since: endpoint({
    method: "get",
    path: "/api/v1/progress",
    auth: "learner",
    summary: "The caller's module and unit progress changed since ?since= (all without it), oldest first",
    query: progressSinceQuery,
    output: progressChangeSchema,
    shape: "delta",
    handle: ({ ctx, input, since, now }) => progressSince(ctx.deps.db, ctx.viewer, { since, limit: input.limit, now }),
  }),
};
