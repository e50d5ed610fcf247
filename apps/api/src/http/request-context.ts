/**
 * Request id, client address, a child logger, one structured access-log line and one latency
 * observation per request. The rest of the request runs in the request's scope, so a job it
 * enqueues carries its id into the worker's log lines.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import { withRequestId } from "@sira/infra";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppDeps, AppEnv } from "../app-types.ts";
import { resolveLanguage } from "./language.ts";
import { proxyTrustCheck } from "./proxy-trust.ts";
import { setResponseHeaders } from "./response-headers.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The caller's X-Request-Id when it is a sane one, else a new id. */
export function requestIdOf(incoming: string | undefined): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * The client's address. Each of the `hops` trusted proxies in front of the API appends the address
 * it saw to X-Forwarded-For, so the client is the `hops`-th entry from the right; entries further
 * left are whatever the client sent, and trusting them would let anyone choose their rate-limit key.
 */
export function clientAddress(forwardedFor: string | undefined, socketAddress: string, hops: number): string {
  if (hops <= 0 || !forwardedFor) return socketAddress;
  const chain = forwardedFor
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - hops)] ?? socketAddress;
}

function socketAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "local"; // in-process requests (app.request) have no socket
  }
}

export function requestContext(deps: AppDeps) {
  const checkProxyTrust = proxyTrustCheck(deps.logger, deps.config.TRUST_PROXY_HOPS);
  return createMiddleware<AppEnv>(async (c, next) => {
    const requestId = requestIdOf(c.req.header("x-request-id"));
    const log = deps.logger.child({ request_id: requestId });
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("log", log);
    c.set("actor", null);
    // Errors raised before auth (rate limit, bad headers) already speak the asker's language.
    c.set(
      "lang",
      resolveLanguage({
        query: c.req.query("lang"),
        acceptLanguage: c.req.header("accept-language"),
        fallback: deps.config.DEFAULT_LANGUAGE,
      }),
    );
    c.set("occurredAt", new Date());
    c.set("offlineQueuedAt", null);
    const forwardedFor = c.req.header("x-forwarded-for");
    checkProxyTrust(forwardedFor);
    c.set("clientIp", clientAddress(forwardedFor, socketAddress(c), deps.config.TRUST_PROXY_HOPS));
    const started = performance.now();
    await withRequestId(requestId, next);
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeRequest(c, seconds);
    setResponseHeaders(c, [["x-request-id", requestId]]);
    const path = c.req.path;
    if (path === "/health" || path === "/health/ready" || path === "/metrics") return;
    log.info(
      {
        method: c.req.method,
        path,
        status: c.res.status,
        ms: Math.round(seconds * 10_000) / 10,
        ip: c.get("clientIp"),
        user_id: c.get("actor")?.userId,
      },
      "request",
    );
  });
}
