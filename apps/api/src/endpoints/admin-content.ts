/**
 * Back office for generated content (admins: every course; experts: their own, others 404): review
 * and regeneration, bulk pre-generation of a module, and AI course structure proposals.
 */
import {
  acceptedStructureSchema,
  acceptStructureInput,
  contentIdParams,
  generatedContentDetailSchema,
  generatedContentListQuery,
  generatedContentSummarySchema,
  pregenerateInput,
  pregenerationQuery,
  pregenerationSchema,
  proposalParams,
  regenerationSchema,
  reviewGeneratedContentInput,
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
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const CONTENT = "/api/v1/admin/generated-content";
const PREGENERATE = "/api/v1/admin/modules/{module_id}/pregenerate";
const COURSE = "/api/v1/admin/courses/{course_id}";
const moduleParams = z.object({ module_id: z.uuid() });
const courseParams = z.object({ course_id: z.uuid() });

export const adminContentEndpoints = {
  list: endpoint({
    method: "get",
    path: CONTENT,
    auth: "expert",
    summary: "Generated content the caller manages, filtered by course, module, unit, type, language, validated",
    query: generatedContentListQuery,
    output: generatedContentSummarySchema,
    shape: "page",
    handle: ({ ctx, input }) => listGeneratedContent(ctx.deps.db, ctx.viewer, input),
  }),
  get: endpoint({
    method: "get",
    path: `${CONTENT}/{id}`,
    auth: "expert",
    summary: "One piece of generated content with its body, cited sources and generation metadata",
    params: contentIdParams,
    output: generatedContentDetailSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getGeneratedContent(ctx.deps.db, ctx.viewer, input.id),
  }),
  review: endpoint({
    method: "post",
    path: `${CONTENT}/{id}/review`,
    auth: "expert",
    summary: "Mark content validated (or not) after review; who and when are recorded and audited",
    params: contentIdParams,
    body: reviewGeneratedContentInput,
    output: generatedContentDetailSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...review } }) => reviewGeneratedContent(ctx.deps, ctx.viewer, id, review, ctx.meta),
  }),
  regenerate: endpoint({
    method: "post",
    path: `${CONTENT}/{id}/regenerate`,
    auth: "expert",
    summary: "Regenerate content: the new version replaces it when ready (version + 1, unvalidated)",
    params: contentIdParams,
    output: regenerationSchema,
    status: 202,
    errors: ["NOT_FOUND", "NO_INDEXED_CONTENT"],
    handle: ({ ctx, input }) => regenerateContent(ctx.deps, ctx.viewer, input.id, ctx.meta),
  }),
  pregenerate: endpoint({
    method: "post",
    path: PREGENERATE,
    auth: "expert",
    summary:
      "Pre-generate a module's lessons, quiz and flashcards (and case studies if asked) in both languages; " +
      "resumable, never duplicates, audited. Defaults: the module's level, the country a learner with the " +
      "caller's profile country is served; a country asked must be one learners are served (else 400)",
    params: moduleParams,
    body: pregenerateInput,
    output: pregenerationSchema,
    status: 202,
    errors: ["NOT_FOUND", "NO_INDEXED_CONTENT"],
    handle: ({ ctx, input: { module_id, ...options } }) =>
      startPregeneration(ctx.deps, ctx.viewer, module_id, options, ctx.learner.country, ctx.meta),
  }),
  pregeneration: endpoint({
    method: "get",
    path: PREGENERATE,
    auth: "expert",
    summary: "Progress of a module's pre-generation with the same options (as query parameters)",
    params: moduleParams,
    query: pregenerationQuery,
    output: pregenerationSchema,
    errors: ["NOT_FOUND", "NO_INDEXED_CONTENT"],
    handle: ({ ctx, input: { module_id, ...options } }) =>
      pregenerationProgress(ctx.deps, ctx.viewer, module_id, options, ctx.learner.country),
  }),
};

export const adminStructureEndpoints = {
  /** Queues a structure proposal from the course's indexed documents. */
  generate: endpoint({
    method: "post",
    path: `${COURSE}/generate-structure`,
    auth: "expert",
    summary:
      "Propose modules and units from the course's indexed documents (a job; poll the proposal). " +
      "The course's creation step becomes generating. 409 NO_INDEXED_CONTENT without documents",
    params: courseParams,
    output: structureProposalSchema,
    status: 202,
    errors: ["NOT_FOUND", "NO_INDEXED_CONTENT"],
    handle: ({ ctx, input }) => requestCourseStructure(ctx.deps, ctx.viewer, input.course_id, ctx.meta),
  }),
  list: endpoint({
    method: "get",
    path: `${COURSE}/structure-proposals`,
    auth: "expert",
    summary: "The course's structure proposals, newest first",
    params: courseParams,
    output: structureProposalSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => listStructureProposals(ctx.deps.db, ctx.viewer, input.course_id, input),
  }),
  get: endpoint({
    method: "get",
    path: `${COURSE}/structure-proposals/{proposal_id}`,
    auth: "expert",
    summary: "A proposal's status and, once ready, its modules and units",
    params: proposalParams,
    output: structureProposalSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getStructureProposal(ctx.deps.db, ctx.viewer, input.course_id, input.proposal_id),
  }),
  accept: endpoint({
    method: "post",
    path: `${COURSE}/structure-proposals/{proposal_id}/accept`,
    auth: "expert",
    summary:
      "Accept a ready proposal (optionally edited) and build the course's modules and units; 409 if learners " +
      "have progress in the current modules",
    params: proposalParams,
    body: acceptStructureInput,
    output: acceptedStructureSchema,
    errors: ["NOT_FOUND", "CONFLICT", "INVALID_TRANSITION", "NOT_READY"],
    handle: ({ ctx, input: { course_id, proposal_id, ...body } }) =>
      acceptStructureProposal(ctx.deps.db, ctx.viewer, course_id, proposal_id, body, ctx.meta),
  }),
  reject: endpoint({
    method: "post",
    path: `${COURSE}/structure-proposals/{proposal_id}/reject`,
    auth: "expert",
    summary: "Reject a ready or failed proposal",
    params: proposalParams,
    output: structureProposalSchema,
    errors: ["NOT_FOUND", "INVALID_TRANSITION"],
    handle: ({ ctx, input }) =>
      rejectStructureProposal(ctx.deps.db, ctx.viewer, input.course_id, input.proposal_id, ctx.meta),
  }),
};
