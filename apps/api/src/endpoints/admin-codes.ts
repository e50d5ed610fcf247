/**
 * Back office for activation codes (admins only, audited): generate a batch for printing (the
 * codes are in this answer only, as JSON or with `?format=csv` as a CSV file), list batches with
 * their counts, revoke a batch. The REST generate route is hand-written for its CSV answer; its
 * summary, input and domain call are the definition's, which tRPC serves as `admin.codes.generate`.
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import {
  activationCodeBatchFormatQuery,
  activationCodeBatchInput,
  activationCodeBatchListQuery,
  activationCodeBatchParams,
  activationCodeBatchSchema,
  generatedActivationCodesSchema,
} from "@sira/contracts";
import {
  activationCodesCsv,
  authKeys,
  generateActivationCodes,
  listActivationCodeBatches,
  revokeActivationCodeBatch,
} from "@sira/domain";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-types.ts";
import { type CallerContext, callerOf } from "../caller.ts";
import { endpoint } from "../definition/endpoint.ts";
import { mountRest, routeOf } from "../definition/rest.ts";

const BATCHES = "/api/v1/admin/activation-codes/batches";
const adminOf = (ctx: CallerContext) => ({ ...ctx.meta, actorId: ctx.viewer.userId });

export const adminActivationCodeEndpoints = {
  generate: endpoint({
    method: "post",
    auth: "admin",
    summary:
      "Generate a batch of activation codes (credits, a plan, a course or a curriculum; 1 to 5,000 codes, each " +
      "redeemable max_redemptions times, once per learner). The codes are shown in this answer only, grouped by " +
      "four for printing; with ?format=csv the answer is a CSV file (code, kind, value, expires_at, batch_label). " +
      "Only keyed hashes and the last four characters are stored",
    body: activationCodeBatchInput,
    output: generatedActivationCodesSchema,
    status: 201,
    errors: ["NOT_FOUND"],
    // The answer holds the plain codes: never stored for an Idempotency-Key replay.
    idempotency: false,
    handle: ({ ctx, input }) =>
      generateActivationCodes({ db: ctx.deps.db, pepper: authKeys(ctx.deps.config).pepper }, input, adminOf(ctx)),
  }),
  batches: endpoint({
    method: "get",
    path: BATCHES,
    auth: "admin",
    summary: "Activation-code batches, newest first: terms, codes, redemptions, expiry and revocation",
    query: activationCodeBatchListQuery,
    output: activationCodeBatchSchema,
    shape: "page",
    handle: ({ ctx, input }) => listActivationCodeBatches(ctx.deps.db, { page: input.page, limit: input.limit }),
  }),
  revoke: endpoint({
    method: "post",
    path: `${BATCHES}/{batch_id}/revoke`,
    auth: "admin",
    summary: "Revoke every code of a batch: redeeming one is refused from now on; what was redeemed stays",
    params: activationCodeBatchParams,
    output: activationCodeBatchSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => revokeActivationCodeBatch(ctx.deps.db, input.batch_id, adminOf(ctx)),
  }),
};

const generate = adminActivationCodeEndpoints.generate;

function generateRoute(): RouteConfig {
  const route = routeOf({ ...generate, path: BATCHES, query: activationCodeBatchFormatQuery }, "admin");
  const created = route.responses[201] as { content: Record<string, unknown> };
  created.content["text/csv"] = { schema: z.string() };
  return route;
}

type Valid = (target: "query" | "json") => Record<string, unknown>;

/** REST: the generate route (JSON or CSV), then the other definitions. */
export function mountAdminActivationCodeRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(generateRoute(), (async (c: Context<AppEnv>) => {
    const valid = (c.req as unknown as { valid: Valid }).valid.bind(c.req);
    const input = activationCodeBatchInput.parse(valid("json"));
    const { format } = activationCodeBatchFormatQuery.parse(valid("query"));
    const batch = await generate.handle({
      ctx: callerOf(c),
      input,
      since: null,
      now: new Date(),
      idempotencyKey: null,
    });
    c.header("cache-control", "no-store");
    if (format !== "csv") return c.json(batch, 201);
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="activation-codes-${batch.batch_id}.csv"`);
    return c.body(activationCodesCsv(batch), 201);
  }) as never);
  mountRest(app, "admin", adminActivationCodeEndpoints);
}
