/**
 * REST: a module's adaptive quiz. GET starts or resumes an attempt (the question has no answer
 * key), POST answer checks one answer and gives the next question, POST submit finishes it.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  quizAnswerInput,
  quizAnswerResultSchema,
  quizKindQuery,
  quizModuleParams,
  quizResultSchema,
  quizStateSchema,
  quizSubmitInput,
} from "@sira/contracts";
import { answerModuleQuiz, startModuleQuiz, submitModuleQuiz } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { bearer, body, json, problemSchema, problems } from "./docs.ts";

const QUIZ = "/api/v1/modules/{id}/quiz";
const tags = ["quiz"];
const locked = {
  description: "The module is locked (MODULE_LOCKED)",
  content: { "application/problem+json": { schema: problemSchema } },
};
const guarded = { 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409], 423: locked };

const routes = {
  start: createRoute({
    method: "get",
    path: QUIZ,
    tags,
    security: bearer,
    summary:
      "Start or resume the learner's adaptive quiz on the module (?kind=formative: 10 items, summative: 20). " +
      "The current question comes without its answer; 409 QUIZ_NOT_READY (Retry-After) while it is generated",
    request: { params: quizModuleParams, query: quizKindQuery },
    responses: { 200: json(quizStateSchema, "The attempt and its current question"), 400: problems[400], ...guarded },
  }),
  answer: createRoute({
    method: "post",
    path: `${QUIZ}/answer`,
    tags,
    security: bearer,
    summary:
      "Answer the current question: correctness, the correct option, explanation, source and the next " +
      "question (null once the test stops). Replaying the same answer returns the same result",
    request: { params: quizModuleParams, ...body(quizAnswerInput) },
    responses: { 200: json(quizAnswerResultSchema, "The checked answer"), 400: problems[400], ...guarded },
  }),
  submit: createRoute({
    method: "post",
    path: `${QUIZ}/submit`,
    tags,
    security: bearer,
    summary:
      "Finish the attempt: score (% correct), ability estimate and its standard error, and a per-question " +
      "review. Submitting again returns the same result",
    request: { params: quizModuleParams, ...body(quizSubmitInput) },
    responses: { 200: json(quizResultSchema, "The result"), 400: problems[400], ...guarded },
  }),
};

export function mountQuizRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/modules/:id/quiz", requireRole());
  app.use("/api/v1/modules/:id/quiz/*", requireRole());

  app.openapi(routes.start, async (c) => {
    const state = await startModuleQuiz(
      c.get("deps"),
      callerOf(c).learner,
      c.req.valid("param").id,
      c.req.valid("query").kind,
      new Date(),
    );
    return c.json(state, 200);
  });

  app.openapi(routes.answer, async (c) => {
    const { deps, learner, meta } = callerOf(c);
    const result = await answerModuleQuiz(deps, learner, c.req.valid("param").id, c.req.valid("json"), meta.occurredAt);
    return c.json(result, 200);
  });

  app.openapi(routes.submit, async (c) => {
    const { deps, learner, meta } = callerOf(c);
    const result = await submitModuleQuiz(
      deps,
      learner,
      c.req.valid("param").id,
      c.req.valid("json").attempt_id,
      meta.occurredAt,
    );
    return c.json(result, 200);
  });
}
