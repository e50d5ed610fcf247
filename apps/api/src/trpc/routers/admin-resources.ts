/** tRPC `admin.resources`: course documents and their indexing status (upload is REST multipart). */
import {
  courseResourceListInput,
  courseResourcePageSchema,
  courseResourceRefInput,
  courseResourceSchema,
} from "@sira/contracts";
import {
  deleteCourseResource,
  getCourseResource,
  listCourseResources,
  type ResourceRequestMeta,
  reindexCourseResource,
  type Viewer,
} from "@sira/domain";
import { z } from "zod";
import { viewerOfActor } from "../../caller.ts";
import type { Actor } from "../../env.ts";
import { pageEnvelope } from "../../http/lists.ts";
import { expertProcedure, router, type TrpcContext } from "../init.ts";

type Ctx = TrpcContext & { actor: Actor };

const viewerOf = (ctx: Ctx): Viewer => viewerOfActor(ctx.actor);
const metaOf = (ctx: Ctx): ResourceRequestMeta => ({ requestId: ctx.requestId, ip: ctx.clientIp });

/** Admins reach every course's documents; experts those of the courses they manage (others: NOT_FOUND). */
export const adminResourcesRouter = router({
  list: expertProcedure
    .input(courseResourceListInput)
    .output(courseResourcePageSchema)
    .query(async ({ ctx, input }) => {
      const { course_id, ...query } = input;
      const page = await listCourseResources(ctx.deps, viewerOf(ctx), course_id, query);
      return pageEnvelope(page.items, page.total, query);
    }),
  get: expertProcedure
    .input(courseResourceRefInput)
    .output(courseResourceSchema)
    .query(({ ctx, input }) => getCourseResource(ctx.deps, viewerOf(ctx), input.course_id, input.resource_id)),
  delete: expertProcedure
    .input(courseResourceRefInput)
    .output(z.object({ id: z.uuid(), deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteCourseResource(ctx.deps, viewerOf(ctx), input.course_id, input.resource_id, metaOf(ctx));
      return { id: input.resource_id, deleted: true as const };
    }),
  reindex: expertProcedure
    .input(courseResourceRefInput)
    .output(courseResourceSchema)
    .mutation(({ ctx, input }) =>
      reindexCourseResource(ctx.deps, viewerOf(ctx), input.course_id, input.resource_id, metaOf(ctx)),
    ),
});
