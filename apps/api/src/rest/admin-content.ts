/**
 * REST: /api/v1/admin back office for generated content (admins: every course; experts: their
 * own, others 404): AI course structure (generate-structure, proposals, accept, reject), review
 * and regeneration of generated content, and bulk pre-generation of a module.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  acceptedStructureSchema,
  acceptStructureInput,
  generatedContentDetailSchema,
  generatedContentListQuery,
  generatedContentPageSchema,
  pageQuerySchema,
  pregenerateInput,
  pregenerationQuery,
  pregenerationSchema,
  proposalParams,
  regenerationSchema,
  reviewGeneratedContentInput,
  structureProposalPageSchema,
  structureProposalSchema,
} from "@sira/contracts";
import {
  acceptStructureProposal,
  getGeneratedContent,
  getStructureProposal,
  listGeneratedContent,
  listStructureProposals,
  pregenerationProgress,
  regenerateContent,
  rejectStructureProposal,
  requestCourseStructure,
  reviewGeneratedContent,
  startPregeneration,
} from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { pageEnvelope } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const CONTENT = "/api/v1/admin/generated-content";
const MODULES = "/api/v1/admin/modules";
const COURSES = "/api/v1/admin/courses";
const tags = ["admin"];
const idParam = { params: z.object({ id: z.uuid() }) };
const one = { 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404] };
const changing = { ...one, 409: problems[409] };

const routes = {
  list: createRoute({
    method: "get",
    path: CONTENT,
    tags,
    security: bearer,
    summary: "Generated content the caller manages, filtered by course, module, unit, type, language, validated",
    request: { query: generatedContentListQuery },
    responses: { 200: json(generatedContentPageSchema, "A page of generated content"), ...one },
  }),
  get: createRoute({
    method: "get",
    path: `${CONTENT}/{id}`,
    tags,
    security: bearer,
    summary: "One piece of generated content with its body, cited sources and generation metadata",
    request: idParam,
    responses: { 200: json(generatedContentDetailSchema, "The content"), ...one },
  }),
  review: createRoute({
    method: "post",
    path: `${CONTENT}/{id}/review`,
    tags,
    security: bearer,
    summary: "Mark content validated (or not) after review; who and when are recorded and audited",
    request: { ...idParam, ...body(reviewGeneratedContentInput) },
    responses: { 200: json(generatedContentDetailSchema, "The reviewed content"), ...one },
  }),
  regenerate: createRoute({
    method: "post",
    path: `${CONTENT}/{id}/regenerate`,
    tags,
    security: bearer,
    summary: "Regenerate content: the new version replaces it when ready (version + 1, unvalidated)",
    request: idParam,
    responses: { 202: json(regenerationSchema, "Queued"), ...one },
  }),
  pregenerate: createRoute({
    method: "post",
    path: `${MODULES}/{id}/pregenerate`,
    tags,
    security: bearer,
    summary:
      "Pre-generate a module's lessons, quiz and flashcards (and case studies if asked) in both " +
      "languages; resumable, never duplicates. Defaults: the module's level, the caller's country",
    request: { ...idParam, ...body(pregenerateInput) },
    responses: { 202: json(pregenerationSchema, "Queued, with current progress"), ...changing },
  }),
  pregeneration: createRoute({
    method: "get",
    path: `${MODULES}/{id}/pregenerate`,
    tags,
    security: bearer,
    summary: "Progress of a module's pre-generation with the same options (as query parameters)",
    request: { ...idParam, query: pregenerationQuery },
    responses: { 200: json(pregenerationSchema, "Progress"), ...one },
  }),
  generateStructure: createRoute({
    method: "post",
    path: `${COURSES}/{id}/generate-structure`,
    tags,
    security: bearer,
    summary:
      "Propose modules and units from the course's indexed documents (a job; poll the proposal). " +
      "The course's creation step becomes generating. 409 NO_INDEXED_CONTENT without documents",
    request: idParam,
    responses: { 202: json(structureProposalSchema, "The queued proposal"), ...changing },
  }),
  proposals: createRoute({
    method: "get",
    path: `${COURSES}/{id}/structure-proposals`,
    tags,
    security: bearer,
    summary: "The course's structure proposals, newest first",
    request: { ...idParam, query: pageQuerySchema },
    responses: { 200: json(structureProposalPageSchema, "A page of proposals"), ...one },
  }),
  proposal: createRoute({
    method: "get",
    path: `${COURSES}/{id}/structure-proposals/{proposal_id}`,
    tags,
    security: bearer,
    summary: "A proposal's status and, once ready, its modules and units",
    request: { params: proposalParams },
    responses: { 200: json(structureProposalSchema, "The proposal"), ...one },
  }),
  accept: createRoute({
    method: "post",
    path: `${COURSES}/{id}/structure-proposals/{proposal_id}/accept`,
    tags,
    security: bearer,
    summary:
      "Accept a ready proposal (optionally edited) and build the course's modules and units; " +
      "409 if learners have progress in the current modules",
    request: { params: proposalParams, ...body(acceptStructureInput) },
    responses: { 200: json(acceptedStructureSchema, "Accepted, with the new module ids"), ...changing },
  }),
  reject: createRoute({
    method: "post",
    path: `${COURSES}/{id}/structure-proposals/{proposal_id}/reject`,
    tags,
    security: bearer,
    summary: "Reject a ready or failed proposal",
    request: { params: proposalParams },
    responses: { 200: json(structureProposalSchema, "Rejected"), ...changing },
  }),
};

export function mountAdminContentRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const prefix of [CONTENT, MODULES]) {
    app.use(prefix, requireRole("admin", "expert"));
    app.use(`${prefix}/*`, requireRole("admin", "expert"));
  }
  // /api/v1/admin/courses/* is guarded (admins and experts) by the course routes.

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid("query");
    const page = await listGeneratedContent(c.get("deps").db, callerOf(c).viewer, query);
    return c.json(pageEnvelope(page.items, page.total, query), 200);
  });
  app.openapi(routes.get, async (c) =>
    c.json(await getGeneratedContent(c.get("deps").db, callerOf(c).viewer, c.req.valid("param").id), 200),
  );
  app.openapi(routes.review, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return c.json(await reviewGeneratedContent(deps, viewer, id, body, meta), 200);
  });
  app.openapi(routes.regenerate, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(await regenerateContent(deps, viewer, c.req.valid("param").id, meta), 202);
  });
  app.openapi(routes.pregenerate, async (c) => {
    const { deps, viewer, actor } = callerOf(c);
    const { id } = c.req.valid("param");
    return c.json(await startPregeneration(deps, viewer, id, c.req.valid("json"), actor.country), 202);
  });
  app.openapi(routes.pregeneration, async (c) => {
    const { deps, viewer, actor } = callerOf(c);
    const q = c.req.valid("query");
    const input = {
      ...(q.content_types ? { content_types: q.content_types } : {}),
      ...(q.languages ? { languages: q.languages } : {}),
      ...(q.level ? { level: q.level } : {}),
      ...(q.country ? { country: q.country } : {}),
    };
    return c.json(await pregenerationProgress(deps, viewer, c.req.valid("param").id, input, actor.country), 200);
  });
  app.openapi(routes.generateStructure, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(await requestCourseStructure(deps, viewer, c.req.valid("param").id, meta), 202);
  });
  app.openapi(routes.proposals, async (c) => {
    const query = c.req.valid("query");
    const page = await listStructureProposals(c.get("deps").db, callerOf(c).viewer, c.req.valid("param").id, query);
    return c.json(pageEnvelope(page.items, page.total, query), 200);
  });
  app.openapi(routes.proposal, async (c) => {
    const { id, proposal_id } = c.req.valid("param");
    return c.json(await getStructureProposal(c.get("deps").db, callerOf(c).viewer, id, proposal_id), 200);
  });
  app.openapi(routes.accept, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, proposal_id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await acceptStructureProposal(deps.db, viewer, id, proposal_id, input, meta), 200);
  });
  app.openapi(routes.reject, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, proposal_id } = c.req.valid("param");
    return c.json(await rejectStructureProposal(deps.db, viewer, id, proposal_id, meta), 200);
  });
}
