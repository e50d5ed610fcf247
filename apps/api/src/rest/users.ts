/**
 * REST: GET /api/v1/users/me/export, the GDPR export as a JSON download. Hand-written because it
 * sets download headers; its summary, answer and domain call are the definition's (endpoints/users.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { routeOf } from "../definition/rest.ts";
import { userEndpoints } from "../endpoints/users.ts";

const spec = userEndpoints.export;

const route = routeOf({ ...spec, path: "/api/v1/users/me/export" }, "users");

export function mountUserExportRoute(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ctx = callerOf(c);
    const data = await spec.handle({ ctx, input: {}, since: null, now: new Date(), idempotencyKey: null });
    c.header("content-disposition", `attachment; filename="sira-export-${data.exported_at.slice(0, 10)}.json"`);
    c.header("cache-control", "private, no-store");
    return c.json(data, 200);
  });
}
