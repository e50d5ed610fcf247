/** tRPC `sourceImages`: images extracted from a course's documents (bytes are served over REST). */
import { sourceImageListInput, sourceImagePageSchema } from "@sira/contracts";
import { listSourceImages } from "@sira/domain";
import { pageEnvelope } from "../../http/lists.ts";
import { authedProcedure, router } from "../init.ts";

/** Admins, the course's experts and learners with an active enrollment (others: NOT_ENROLLED). */
export const sourceImagesRouter = router({
  list: authedProcedure
    .input(sourceImageListInput)
    .output(sourceImagePageSchema)
    .query(async ({ ctx, input }) => {
      const { course_id, ...query } = input;
      const page = await listSourceImages(ctx.deps, ctx.viewer, course_id, query);
      return pageEnvelope(page.items, page.total, query);
    }),
});
