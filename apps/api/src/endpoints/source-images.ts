/**
 * Images extracted from a course's documents, listed in document order. Readable by admins, the
 * course's experts and learners with an active enrollment. The bytes are served by
 * rest/source-images.ts (binary answers are hand-written routes).
 */
import { sourceImageListQuery, sourceImageSchema } from "@sira/contracts";
import { listSourceImages } from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";
import { COURSE_ACCESS } from "./access-errors.ts";

export const sourceImageEndpoints = {
  list: endpoint({
    method: "get",
    path: "/api/v1/courses/{course_id}/source-images",
    auth: "learner",
    summary: "Images extracted from the course's documents, in document order",
    params: z.object({ course_id: z.uuid() }),
    query: sourceImageListQuery,
    output: sourceImageSchema,
    shape: "page",
    errors: COURSE_ACCESS,
    handle: ({ ctx, input: { course_id, ...query } }) => listSourceImages(ctx.deps, ctx.viewer, course_id, query),
  }),
};
