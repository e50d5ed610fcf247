/**
 * REST: /api/v1/modules (a course's modules with the caller's progress and lock state), one module
 * with its units, unit start/complete, and /api/v1/progress (delta sync of stored progress).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  MODULE_FIELDS,
  moduleDetailSchema,
  moduleListQuery,
  modulePageSchema,
  moduleParams,
  progressDeltaSchema,
  progressSinceQuery,
  unitActionSchema,
  unitCompleteInput,
  unitProgressParams,
} from "@sira/contracts";
import { completeUnit, getModuleProgress, listCourseModules, progressSince, startUnit } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const tags = ["progress"];
const UNIT = "/api/v1/modules/{id}/units/{unit_id}";
const guarded = { 401: problems[401], 403: problems[403], 404: problems[404] };
const locked = {
  423: { ...problems[409], description: "The module is locked (MODULE_LOCKED): pass the module before it first" },
};

const routes = {
  list: createRoute({
    method: "get",
    path: "/api/v1/modules",
    tags,
    security: bearer,
    summary:
      "A course's modules in order with the caller's progress and lock state (module N+1 opens at 80 % " +
      "completion and an 80 % quiz average in module N; prereq_modules too). ?fields=, ?page=&limit=",
    request: { query: moduleListQuery },
    responses: { 200: json(modulePageSchema, "Modules"), 400: problems[400], ...guarded },
  }),
  detail: createRoute({
    method: "get",
    path: "/api/v1/modules/{id}",
    tags,
    security: bearer,
    summary: "One module: objectives (resolved and both languages), units with the caller's progress, lock state",
    request: { params: moduleParams },
    responses: { 200: json(moduleDetailSchema, "The module"), 400: problems[400], ...guarded },
  }),
  start: createRoute({
    method: "post",
    path: `${UNIT}/start`,
    tags,
    security: bearer,
    summary: "Start a unit (the earliest start is kept; X-Offline-Queued-At dates it). Safe to replay",
    request: { params: unitProgressParams },
    responses: { 200: json(unitActionSchema, "The unit's and module's progress"), ...guarded, ...locked },
  }),
  complete: createRoute({
    method: "post",
    path: `${UNIT}/complete`,
    tags,
    security: bearer,
    summary:
      "Complete a unit: idempotent (completing again changes nothing); time_spent_seconds is the running " +
      "total on the unit (the largest kept). Recomputes the module, unlocks and the enrollment's completion",
    request: { params: unitProgressParams, ...body(unitCompleteInput) },
    responses: {
      200: json(unitActionSchema, "The unit's and module's progress, and the modules it unlocked"),
      400: problems[400],
      ...guarded,
      ...locked,
    },
  }),
  since: createRoute({
    method: "get",
    path: "/api/v1/progress",
    tags,
    security: bearer,
    summary: "The caller's module and unit progress changed since ?since= (all without it), oldest first",
    request: { query: progressSinceQuery },
    responses: { 200: json(progressDeltaSchema, "Changes"), 400: problems[400], 401: problems[401] },
  }),
};

export function mountModuleRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/modules", requireRole());
  app.use("/api/v1/modules/:id", requireRole());
  app.use("/api/v1/modules/:id/units/*", requireRole());
  app.use("/api/v1/progress", requireRole());

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, MODULE_FIELDS);
    const { items, total } = await listCourseModules(
      c.get("deps").db,
      { viewer: callerOf(c).viewer, language: c.get("lang") },
      query.course_id,
      query,
    );
    return c.json(
      pageEnvelope(
        items.map((m) => ({ ...pickFields(m, fields), id: m.id })),
        total,
        query,
      ),
      200,
    );
  });

  app.openapi(routes.detail, async (c) => {
    const module = await getModuleProgress(
      c.get("deps").db,
      { viewer: callerOf(c).viewer, language: c.get("lang") },
      c.req.valid("param").id,
    );
    return c.json(module, 200);
  });

  app.openapi(routes.start, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, unit_id } = c.req.valid("param");
    const result = await startUnit(deps, viewer, { moduleId: id, unitId: unit_id }, meta.occurredAt);
    return c.json(result, 200);
  });

  app.openapi(routes.complete, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, unit_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const result = await completeUnit(
      deps,
      viewer,
      { moduleId: id, unitId: unit_id },
      meta.occurredAt,
      input.time_spent_seconds === undefined ? {} : { timeSpentSeconds: input.time_spent_seconds },
    );
    return c.json(result, 200);
  });

  app.openapi(routes.since, async (c) => {
    const query = c.req.valid("query");
    const startedAt = new Date();
    const since = parseSince(query.since, startedAt);
    const delta = await progressSince(c.get("deps").db, callerOf(c).viewer, {
      since,
      limit: query.limit,
      now: startedAt,
    });
    return c.json(deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt }), 200);
  });
}
