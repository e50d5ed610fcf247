/**
 * REST from endpoint definitions: one Hono route and OpenAPI operation per definition with a path,
 * the auth guard, ETag and idempotency as route middleware, then validation, the domain call and
 * the shaped answer.
 */
import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Role } from "@sira/contracts";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf, publicOf } from "../caller.ts";
import { requireRole } from "../http/auth.ts";
import { etag, taggedJson } from "../http/etag.ts";
import { idempotency } from "../http/idempotency.ts";
import { parseFields, parseSince } from "../http/lists.ts";
import type { AnyEndpoint, AuthRule, Endpoints } from "./endpoint.ts";
import { bearer, json, notModified, problemResponses } from "./problems.ts";
import { hasSince, outputOf, pageHorizon, queryOf, shapeAnswer } from "./wire.ts";

const ROLES: Record<Exclude<AuthRule, "public">, Role[]> = {
  learner: [],
  expert: ["expert", "admin"],
  admin: ["admin"],
};

/** The route middleware an endpoint's auth rule and options call for, in order. */
export function routeMiddleware(
  spec: Pick<AnyEndpoint, "auth" | "method" | "idempotency">,
): MiddlewareHandler<AppEnv>[] {
  const chain: MiddlewareHandler<AppEnv>[] = [];
  if (spec.auth !== "public") chain.push(requireRole(...ROLES[spec.auth]));
  if (spec.method === "get") chain.push(etag);
  else if (spec.idempotency !== false) chain.push(idempotency);
  return chain;
}

/** The OpenAPI route of a definition. */
export function routeOf(spec: AnyEndpoint & { path: string }, tag: string): RouteConfig {
  const query = queryOf(spec, "rest");
  const request: NonNullable<RouteConfig["request"]> = {};
  if (spec.params) request.params = spec.params;
  if (query) request.query = query;
  // An optional body may be left out entirely (no Content-Type): the handler then gets no body keys.
  if (spec.body)
    request.body = { required: !spec.body.isOptional(), content: { "application/json": { schema: spec.body } } };
  const status = spec.status ?? 200;
  return createRoute({
    method: spec.method,
    path: spec.path,
    tags: spec.tags ?? [tag],
    summary: spec.summary,
    ...(spec.auth === "public" ? {} : { security: bearer }),
    middleware: routeMiddleware(spec),
    request,
    responses: {
      [status]: status === 204 ? { description: "Done (no body)" } : json(outputOf(spec, "rest"), "Success"),
      ...(spec.method === "get" ? { 304: notModified } : {}),
      ...problemResponses({
        method: spec.method,
        auth: spec.auth,
        input: Boolean(spec.params || query || spec.body),
        body: Boolean(spec.body),
        fields: Boolean(spec.fields),
        since: hasSince(spec),
        idempotency: spec.method !== "get" && spec.idempotency !== false,
        errors: spec.errors,
      }),
    },
  });
}

type Valid = (target: "param" | "query" | "json") => Record<string, unknown> | undefined;

/** A definition's route handler. What it reads is settled here, once, not on every request. */
function handlerOf(spec: AnyEndpoint): (c: Context<AppEnv>) => Promise<Response> {
  // queryOf builds a zod object: per request, that was 14 µs of a module list's ~265 µs (decision 0054).
  const takesQuery = Boolean(queryOf(spec, "rest"));
  return (c) => answer(spec, takesQuery, c);
}

async function answer(spec: AnyEndpoint, takesQuery: boolean, c: Context<AppEnv>): Promise<Response> {
  const valid = (c.req as unknown as { valid: Valid }).valid.bind(c.req);
  const input: Record<string, unknown> = {
    ...(spec.params ? valid("param") : {}),
    ...(takesQuery ? valid("query") : {}),
    ...(spec.body ? valid("json") : {}),
  };
  const now = new Date();
  const fields = spec.fields ? parseFields(input.fields as string | undefined, spec.fields) : null;
  const since = hasSince(spec) ? parseSince(input.since as string | undefined, now) : null;
  const ctx = spec.auth === "public" ? publicOf(c) : callerOf(c);
  const idempotencyKey = spec.keyed ? (c.req.header("Idempotency-Key") ?? null) : null;
  const horizon = await pageHorizon(spec, since, ctx.deps.db);
  const value = await spec.handle({ ctx, input, since, now, idempotencyKey });
  if (spec.status === 204) return c.body(null, 204);
  const shaped = shapeAnswer(spec, value, { input, fields, now, horizon }) as object;
  // A GET is tagged from its text here, so the ETag middleware never reads the body back.
  if (spec.method === "get" && (spec.status ?? 200) === 200) return taggedJson(c, JSON.stringify(shaped));
  return c.json(shaped, (spec.status ?? 200) as 200);
}

/** Mounts every definition with a path, in list order (static paths before parameterised ones). */
export function mountRest(app: OpenAPIHono<AppEnv>, tag: string, endpoints: Endpoints): void {
  for (const spec of Object.values(endpoints)) {
    const { path } = spec;
    if (!path) continue;
    // The typed handler is generic over every definition; the route's validators have run before it.
    app.openapi(routeOf({ ...spec, path }, tag), handlerOf(spec) as never);
  }
}
