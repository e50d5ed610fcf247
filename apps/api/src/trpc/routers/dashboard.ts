/** tRPC `dashboard`: the learner's home screen (cached per learner and language). */
import { dashboardSchema } from "@sira/contracts";
import { getDashboardJson } from "@sira/domain";
import { authedProcedure, router } from "../init.ts";

export const dashboardRouter = router({
  get: authedProcedure.output(dashboardSchema).query(async ({ ctx }) => {
    const { json } = await getDashboardJson(ctx.deps, { userId: ctx.viewer.userId, language: ctx.lang });
    return JSON.parse(json) as unknown as ReturnType<typeof dashboardSchema.parse>;
  }),
});
