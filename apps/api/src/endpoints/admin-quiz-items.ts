/**
 * Item calibration's review list (decision 0051): quiz items the last calibration flagged as
 * misfitting (admins: every course; experts: their own).
 */
import { flaggedQuizItemSchema, flaggedQuizItemsQuery } from "@sira/contracts";
import { listFlaggedQuizItems } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

export const adminQuizItemEndpoints = {
  flagged: endpoint({
    method: "get",
    path: "/api/v1/admin/quiz-items/flagged",
    auth: "expert",
    summary:
      "Quiz items flagged by calibration (outfit above 1.5 or point-biserial ≤ 0), newest flag first, with " +
      "their written and calibrated difficulties and fit",
    query: flaggedQuizItemsQuery,
    output: flaggedQuizItemSchema,
    shape: "page",
    handle: ({ ctx, input }) => listFlaggedQuizItems(ctx.deps.db, ctx.viewer, input),
  }),
};
