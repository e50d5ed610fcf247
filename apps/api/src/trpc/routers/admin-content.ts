/** tRPC `admin.content` and `admin.structure`: generated content review and AI course structure. */
import {
  acceptedStructureSchema,
  acceptStructureInput,
  contentIdInput,
  generatedContentDetailSchema,
  generatedContentListQuery,
  generatedContentPageSchema,
  pageQuerySchema,
  pregenerateInput,
  pregenerationSchema,
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
import { z } from "zod";
import { pageEnvelope } from "../../http/lists.ts";
import { expertProcedure, router } from "../init.ts";

const courseInput = z.strictObject({ course_id: z.uuid() });
const proposalInput = z.strictObject({ course_id: z.uuid(), proposal_id: z.uuid() });

/** Experts reach only their own courses' content (others are NOT_FOUND); admins reach all. */
export const adminContentRouter = router({
  list: expertProcedure
    .input(generatedContentListQuery)
    .output(generatedContentPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listGeneratedContent(ctx.deps.db, ctx.viewer, input);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: expertProcedure
    .input(contentIdInput)
    .output(generatedContentDetailSchema)
    .query(({ ctx, input }) => getGeneratedContent(ctx.deps.db, ctx.viewer, input.id)),
  review: expertProcedure
    .input(reviewGeneratedContentInput.extend({ id: z.uuid() }))
    .output(generatedContentDetailSchema)
    .mutation(({ ctx, input }) => {
      const { id, ...review } = input;
      return reviewGeneratedContent(ctx.deps, ctx.viewer, id, review, ctx.meta);
    }),
  regenerate: expertProcedure
    .input(contentIdInput)
    .output(regenerationSchema)
    .mutation(({ ctx, input }) => regenerateContent(ctx.deps, ctx.viewer, input.id, ctx.meta)),
  pregenerate: expertProcedure
    .input(pregenerateInput.extend({ module_id: z.uuid() }))
    .output(pregenerationSchema)
    .mutation(({ ctx, input }) => {
      const { module_id, ...options } = input;
      return startPregeneration(ctx.deps, ctx.viewer, module_id, options, ctx.actor.country);
    }),
  pregeneration: expertProcedure
    .input(pregenerateInput.extend({ module_id: z.uuid() }))
    .output(pregenerationSchema)
    .query(({ ctx, input }) => {
      const { module_id, ...options } = input;
      return pregenerationProgress(ctx.deps, ctx.viewer, module_id, options, ctx.actor.country);
    }),
});

export const adminStructureRouter = router({
  /** Queues a structure proposal from the course's indexed documents. */
  generate: expertProcedure
    .input(courseInput)
    .output(structureProposalSchema)
    .mutation(({ ctx, input }) => requestCourseStructure(ctx.deps, ctx.viewer, input.course_id, ctx.meta)),
  list: expertProcedure
    .input(pageQuerySchema.extend({ course_id: z.uuid() }))
    .output(structureProposalPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listStructureProposals(ctx.deps.db, ctx.viewer, input.course_id, input);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: expertProcedure
    .input(proposalInput)
    .output(structureProposalSchema)
    .query(({ ctx, input }) => getStructureProposal(ctx.deps.db, ctx.viewer, input.course_id, input.proposal_id)),
  accept: expertProcedure
    .input(proposalInput.extend(acceptStructureInput.shape))
    .output(acceptedStructureSchema)
    .mutation(({ ctx, input }) => {
      const { course_id, proposal_id, ...body } = input;
      return acceptStructureProposal(ctx.deps.db, ctx.viewer, course_id, proposal_id, body, ctx.meta);
    }),
  reject: expertProcedure
    .input(proposalInput)
    .output(structureProposalSchema)
    .mutation(({ ctx, input }) =>
      rejectStructureProposal(ctx.deps.db, ctx.viewer, input.course_id, input.proposal_id, ctx.meta),
    ),
});
