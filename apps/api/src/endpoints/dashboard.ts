/**
 * The learner's home screen, cached per learner and language. REST sends the cached JSON text as is
 * (rest/dashboard.ts, so a cache hit costs no serialisation); tRPC answers the parsed object here.
 */
import { type Dashboard, dashboardSchema } from "@sira/contracts";
import { getDashboardJson } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

export const dashboardEndpoints = {
  /** REST: rest/dashboard.ts. */
  get: endpoint({
    method: "get",
    auth: "learner",
    summary:
      "Streak and last activity, per-course progress, due reviews, recent quiz scores, the next unit to " +
      "study and tutor messages left today. Cached per learner and language; invalidated by progress, " +
      "readings, quizzes, reviews and enrollments",
    output: dashboardSchema,
    handle: async ({ ctx }) => {
      const { json } = await getDashboardJson(ctx.deps, { userId: ctx.viewer.userId, language: ctx.lang });
      return JSON.parse(json) as Dashboard;
    },
  }),
};
