/**
 * REST: the placement test. GET the latest result and when a retake is allowed; POST to start or
 * resume a short adaptive test (?domain= for a per-domain bank); POST answer until it assigns a level.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  placementAnswerResultSchema,
  placementStartQuery,
  placementStateSchema,
  placementStatusSchema,
  quizAnswerInput,
} from "@sira/contracts";
import { answerPlacement, getPlacementStatus, startPlacement } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, body, json, problems } from "./docs.ts";

const PLACEMENT = "/api/v1/users/me/placement";
const tags = ["placement"];
const routes = {
  status: createRoute({
    method: "get",
    path: PLACEMENT,
    tags,
    security: bearer,
    summary: "The caller's level, latest placement result, test in progress and when a retake is allowed",
    responses: { 200: json(placementStatusSchema, "Placement status"), 401: problems[401] },
  }),
  start: createRoute({
    method: "post",
    path: PLACEMENT,
    tags,
    security: bearer,
    summary:
      "Start (or resume) the placement test: up to 12 adaptive questions over published courses in the " +
      "request's language (?domain=<taxonomy slug> for one domain). 409 PLACEMENT_COOLDOWN before a retake " +
      "is allowed, 409 QUIZ_NOT_READY when no questions exist",
    request: { query: placementStartQuery },
    responses: {
      200: json(placementStateSchema, "The test and its current question"),
      400: problems[400],
      401: problems[401],
      409: problems[409],
    },
  }),
  answer: createRoute({
    method: "post",
    path: `${PLACEMENT}/answer`,
    tags,
    security: bearer,
    summary:
      "Answer the current question; when the test stops, result_level (1-4) is assigned as current_level " +
      "(θ cut-offs -1, 0, 1)",
    request: { ...body(quizAnswerInput) },
    responses: {
      200: json(placementAnswerResultSchema, "The checked answer"),
      400: problems[400],
      401: problems[401],
      404: problems[404],
      409: problems[409],
    },
  }),
};

export function mountPlacementRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(PLACEMENT, requireRole());
  app.use(`${PLACEMENT}/*`, requireRole());

  app.openapi(routes.status, async (c) =>
    c.json(await getPlacementStatus(c.get("deps").db, callerOf(c).viewer.userId, new Date()), 200),
  );

  app.openapi(routes.start, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    const state = await startPlacement(deps.db, {
      userId: viewer.userId,
      language: lang,
      domain: c.req.valid("query").domain ?? null,
      at: meta.occurredAt,
    });
    return c.json(state, 200);
  });

  app.openapi(routes.answer, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(await answerPlacement(deps, viewer.userId, c.req.valid("json"), meta.occurredAt), 200);
  });
}
