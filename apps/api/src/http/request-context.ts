/** Request id, client address, a child logger and one structured access-log line per request. */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppDeps, AppEnv } from "../env.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

function clientIp(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "local"; // in-process requests (app.request) have no socket
  }
}

export function requestContext(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log = deps.logger.child({ request_id: requestId });
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("log", log);
    c.set("actor", null);
    c.set("lang", deps.config.DEFAULT_LANGUAGE);
    c.set("occurredAt", new Date());
    c.set("clientIp", clientIp(c, deps.config.TRUST_PROXY));
    const started = performance.now();
    await next();
    c.res.headers.set("x-request-id", requestId);
    const path = new URL(c.req.url).pathname;
    if (path === "/health" || path === "/health/ready") return;
    log.info(
      {
        method: c.req.method,
        path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ip: c.get("clientIp"),
        user_id: c.get("actor")?.userId,
      },
      "request",
    );
  });
}
