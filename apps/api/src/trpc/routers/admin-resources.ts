/** tRPC `admin.resources`: course documents and their indexing status (upload is REST multipart). */
import {
  courseResourceListInput,
  courseResourcePageSchema,
  courseResourceRefInput,
  courseResourceSchema,
} from "@sira/contracts";
import { deleteCourseResource, getCourseResource, listCourseResources, reindexCourseResource } from "@sira/domain";
import { z } from "zod";
import { pageEnvelope } from "../../http/lists.ts";
import { expertProcedure, router } from "../init.ts";

/** Admins reach every course's documents; experts those of the courses they manage (others: NOT_FOUND). */
export const adminResourcesRouter = router({
  list: expertProcedure
    .input(courseResourceListInput)
    .output(courseResourcePageSchema)
    .query(async ({ ctx, input }) => {
      const { course_id, ...query } = input;
      const page = await listCourseResources(ctx.deps, ctx.viewer, course_id, query);
      return pageEnvelope(page.items, page.total, query);
    }),
  get: expertProcedure
    .input(courseResourceRefInput)
    .output(courseResourceSchema)
    .query(({ ctx, input }) => getCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id)),
  delete: expertProcedure
    .input(courseResourceRefInput)
    .output(z.object({ id: z.uuid(), deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id, ctx.meta);
      return { id: input.resource_id, deleted: true as const };
    }),
  reindex: expertProcedure
    .input(courseResourceRefInput)
    .output(courseResourceSchema)
    .mutation(({ ctx, input }) =>
      reindexCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id, ctx.meta),
    ),
});
