import { healthSchema, readinessSchema } from "@sira/contracts";
import { checkReadiness, HEALTH } from "../../readiness.ts";
import { publicProcedure, router } from "../init.ts";

export const systemRouter = router({
  /** Liveness: the process answers. */
  health: publicProcedure.output(healthSchema).query(() => HEALTH),
  /** Readiness: PostgreSQL and Redis both answer. */
  ready: publicProcedure.output(readinessSchema).query(({ ctx }) => checkReadiness(ctx.deps)),
  /** The server's clock, for clients computing `?since=` and offline replay times. */
  time: publicProcedure.query(() => ({ server_time: new Date().toISOString() })),
});
