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
  type ContentRequestMeta,
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
  type Viewer,
} from "@sira/domain";
import { z } from "zod";
import { viewerOfActor } from "../../caller.ts";
import type { Actor } from "../../env.ts";
import { pageEnvelope } from "../../http/lists.ts";
import { expertProcedure, router, type TrpcContext } from "../init.ts";

type Ctx = TrpcContext & { actor: Actor };

const viewerOf = (ctx: Ctx): Viewer => viewerOfActor(ctx.actor);
const metaOf = (ctx: Ctx): ContentRequestMeta => ({ requestId: ctx.requestId, ip: ctx.clientIp, now: new Date() });
const courseInput = z.strictObject({ course_id: z.uuid() });
const proposalInput = z.strictObject({ course_id: z.uuid(), proposal_id: z.uuid() });

/** Experts reach only their own courses' content (others are NOT_FOUND); admins reach all. */
export const adminContentRouter = router({
  list: expertProcedure
    .input(generatedContentListQuery)
    .output(generatedContentPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listGeneratedContent(ctx.deps.db, viewerOf(ctx), input);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: expertProcedure
    .input(contentIdInput)
    .output(generatedContentDetailSchema)
    .query(({ ctx, input }) => getGeneratedContent(ctx.deps.db, viewerOf(ctx), input.id)),
  review: expertProcedure
    .input(reviewGeneratedContentInput.extend({ id: z.uuid() }))
    .output(generatedContentDetailSchema)
    .mutation(({ ctx, input }) => {
      const { id, ...review } = input;
      return reviewGeneratedContent(ctx.deps, viewerOf(ctx), id, review, metaOf(ctx));
    }),
  regenerate: expertProcedure
    .input(contentIdInput)
    .output(regenerationSchema)
    .mutation(({ ctx, input }) => regenerateContent(ctx.deps, viewerOf(ctx), input.id, metaOf(ctx))),
  pregenerate: expertProcedure
    .input(pregenerateInput.extend({ module_id: z.uuid() }))
    .output(pregenerationSchema)
    .mutation(({ ctx, input }) => {
      const { module_id, ...options } = input;
      return startPregeneration(ctx.deps, viewerOf(ctx), module_id, options, ctx.actor.country);
    }),
  pregeneration: expertProcedure
    .input(pregenerateInput.extend({ module_id: z.uuid() }))
    .output(pregenerationSchema)
    .query(({ ctx, input }) => {
      const { module_id, ...options } = input;
      return pregenerationProgress(ctx.deps, viewerOf(ctx), module_id, options, ctx.actor.country);
    }),
});

export const adminStructureRouter = router({
  /** Queues a structure proposal from the course's indexed documents. */
  generate: expertProcedure
    .input(courseInput)
    .output(structureProposalSchema)
    .mutation(({ ctx, input }) => requestCourseStructure(ctx.deps, viewerOf(ctx), input.course_id, metaOf(ctx))),
  list: expertProcedure
    .input(pageQuerySchema.extend({ course_id: z.uuid() }))
    .output(structureProposalPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listStructureProposals(ctx.deps.db, viewerOf(ctx), input.course_id, input);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: expertProcedure
    .input(proposalInput)
    .output(structureProposalSchema)
    .query(({ ctx, input }) => getStructureProposal(ctx.deps.db, viewerOf(ctx), input.course_id, input.proposal_id)),
  accept: expertProcedure
    .input(proposalInput.extend(acceptStructureInput.shape))
    .output(acceptedStructureSchema)
    .mutation(({ ctx, input }) => {
      const { course_id, proposal_id, ...body } = input;
      return acceptStructureProposal(ctx.deps.db, viewerOf(ctx), course_id, proposal_id, body, metaOf(ctx));
    }),
  reject: expertProcedure
    .input(proposalInput)
    .output(structureProposalSchema)
    .mutation(({ ctx, input }) =>
      rejectStructureProposal(ctx.deps.db, viewerOf(ctx), input.course_id, input.proposal_id, metaOf(ctx)),
    ),
});
