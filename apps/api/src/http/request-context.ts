/**
 * Request id, client address, a child logger, one structured access-log line and one latency
 * observation per request. The rest of the request runs in the request's scope, so a job it
 * enqueues carries its id into the worker's log lines.
 */
import { isIP } from "node:net";
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
 * An X-Forwarded-For entry as a bare IP address: some proxies add the source port
 * (`203.0.113.7:51234`, `[2001:db8::7]:443`), which the database's inet type and the rate-limit
 * keys must not see. Null when the entry is no IP address at all.
 */
function bareAddress(entry: string): string | null {
  const withPort = /^\[([^\]]+)\](?::\d+)?$/.exec(entry) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  const ip = withPort?.[1] ?? entry;
  return isIP(ip) ? ip : null;
}

/**
 * The client's address. Each of the `hops` trusted proxies in front of the API appends the address
 * it saw to X-Forwarded-For, so the client is the `hops`-th entry from the right; entries further
 * left are whatever the client sent, and trusting them would let anyone choose their rate-limit key.
 * An entry that is no IP address counts as the socket's.
 */
export function clientAddress(forwardedFor: string | undefined, socketAddress: string, hops: number): string {
  if (hops <= 0 || !forwardedFor) return socketAddress;
  const chain = forwardedFor
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = chain[Math.max(0, chain.length - hops)];
  return (entry && bareAddress(entry)) || socketAddress;
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) as `127.0.0.1`. */
function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/**
 * How many X-Forwarded-For entries to trust on a connection from `socket`: TRUST_PROXY_HOPS, unless
 * TRUST_PROXY_ADDRESSES names the proxies and this peer is not one of them (then none).
 */
export function trustedHops(hops: number, proxies: readonly string[]): (socket: string) => number {
  if (hops === 0 || proxies.length === 0) return () => hops;
  const trusted = new Set(proxies.map(plainAddress));
  return (socket) => (trusted.has(plainAddress(socket)) ? hops : 0);
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
  const hopsFor = trustedHops(deps.config.TRUST_PROXY_HOPS, deps.config.TRUST_PROXY_ADDRESSES);
  // The access line's fields are known and hold no secret: it skips the redaction paths, which
  // cost about as much as the rest of the line (decision 0054).
  const accessLog = deps.logger.child({}, { redact: [] });
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
    const socket = socketAddress(c);
    const hops = hopsFor(socket);
    if (hops === deps.config.TRUST_PROXY_HOPS) checkProxyTrust(forwardedFor);
    c.set("clientIp", clientAddress(forwardedFor, socket, hops));
    const started = performance.now();
    await withRequestId(requestId, next);
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeRequest(c, seconds);
    setResponseHeaders(c, [["x-request-id", requestId]]);
    const path = c.req.path;
    if (path === "/health" || path === "/health/ready" || path === "/metrics") return;
    accessLog.info(
      {
        request_id: requestId,
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
