/**
 * REST: course pre-assessment. Back office (admins, and experts on their courses): settings and
 * the generation of its item bank. Learners (enrolled): availability and latest result, start,
 * answer until it stops and marks known modules.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  preassessmentAnswerResultSchema,
  preassessmentConfigInput,
  preassessmentConfigSchema,
  preassessmentCourseParams,
  preassessmentGenerationSchema,
  preassessmentStateSchema,
  preassessmentStatusSchema,
  quizAnswerInput,
} from "@sira/contracts";
import {
  answerPreassessment,
  getPreassessmentConfig,
  getPreassessmentStatus,
  requestPreassessmentGeneration,
  startPreassessment,
  updatePreassessmentConfig,
} from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, body, json, problems } from "./docs.ts";

const ADMIN = "/api/v1/admin/courses/{id}/preassessment";
const LEARNER = "/api/v1/courses/{id}/preassessment";
const params = { params: preassessmentCourseParams };
const guarded = { 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404] };

const routes = {
  config: createRoute({
    method: "get",
    path: ADMIN,
    tags: ["admin"],
    security: bearer,
    summary: "The course's pre-assessment settings and item bank status",
    request: params,
    responses: { 200: json(preassessmentConfigSchema, "Settings"), ...guarded },
  }),
  configure: createRoute({
    method: "put",
    path: ADMIN,
    tags: ["admin"],
    security: bearer,
    summary: "Change the pre-assessment settings given (is_enabled, max_items 1-50, known_threshold_pct 0-100)",
    request: { ...params, ...body(preassessmentConfigInput) },
    responses: { 200: json(preassessmentConfigSchema, "Settings"), ...guarded },
  }),
  generate: createRoute({
    method: "post",
    path: `${ADMIN}/generate`,
    tags: ["admin"],
    security: bearer,
    summary:
      "Build the pre-assessment's item bank in the background (a few questions per module and language); " +
      "follow generation_status on the settings",
    request: params,
    responses: { 202: json(preassessmentGenerationSchema, "Queued"), ...guarded, 409: problems[409] },
  }),
  status: createRoute({
    method: "get",
    path: LEARNER,
    tags: ["preassessment"],
    security: bearer,
    summary: "Whether the course offers a pre-assessment now, the attempt in progress and the latest result",
    request: params,
    responses: { 200: json(preassessmentStatusSchema, "Status"), ...guarded },
  }),
  start: createRoute({
    method: "post",
    path: `${LEARNER}/start`,
    tags: ["preassessment"],
    security: bearer,
    summary: "Start or resume the pre-assessment (409 PREASSESSMENT_UNAVAILABLE when not offered)",
    request: params,
    responses: { 200: json(preassessmentStateSchema, "The attempt and its question"), ...guarded, 409: problems[409] },
  }),
  answer: createRoute({
    method: "post",
    path: `${LEARNER}/answer`,
    tags: ["preassessment"],
    security: bearer,
    summary:
      "Answer the current question; when it stops, the result gives per-module scores, the modules marked " +
      "known and a suggested starting module",
    request: { ...params, ...body(quizAnswerInput) },
    responses: { 200: json(preassessmentAnswerResultSchema, "The checked answer"), ...guarded, 409: problems[409] },
  }),
};

export function mountPreassessmentRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const path of ["/api/v1/admin/courses/:id/preassessment", "/api/v1/admin/courses/:id/preassessment/*"]) {
    app.use(path, requireRole("admin", "expert"));
  }
  for (const path of ["/api/v1/courses/:id/preassessment", "/api/v1/courses/:id/preassessment/*"]) {
    app.use(path, requireRole());
  }

  app.openapi(routes.config, async (c) =>
    c.json(await getPreassessmentConfig(c.get("deps").db, callerOf(c).viewer, c.req.valid("param").id), 200),
  );

  app.openapi(routes.configure, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id } = c.req.valid("param");
    const config = await updatePreassessmentConfig(deps.db, viewer, id, c.req.valid("json"), meta);
    return c.json(config, 200);
  });

  app.openapi(routes.generate, async (c) => {
    const { deps, viewer, meta, actor } = callerOf(c);
    const queued = await requestPreassessmentGeneration(deps, viewer, c.req.valid("param").id, actor.country, meta);
    return c.json(queued, 202);
  });

  app.openapi(routes.status, async (c) =>
    c.json(
      await getPreassessmentStatus(c.get("deps").db, callerOf(c).viewer, c.req.valid("param").id, c.get("lang")),
      200,
    ),
  );

  app.openapi(routes.start, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    return c.json(await startPreassessment(deps.db, viewer, c.req.valid("param").id, lang, meta.occurredAt), 200);
  });

  app.openapi(routes.answer, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(
      await answerPreassessment(deps, viewer, c.req.valid("param").id, c.req.valid("json"), meta.occurredAt),
      200,
    );
  });
}
