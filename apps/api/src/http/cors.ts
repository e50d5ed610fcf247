/**
 * CORS with Hono's answers, but headers written onto the final answer once it exists. Hono's
 * middleware writes them onto a placeholder before the route runs and appends `Vary` through
 * `c.header` afterwards; each turns @hono/node-server's light answer into a Web Response (its body
 * becomes a stream written in pieces). Preflights (OPTIONS) are rare: Hono's middleware answers them.
 * A request without an allowed Origin (an app, curl, another site) gets no CORS headers at all.
 */
import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../app-types.ts";
import { type HeaderPairs, setResponseHeaders } from "./response-headers.ts";

export interface CorsOptions {
  origins: readonly string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/** The CORS headers for a request's Origin: none unless it is an allowed one. */
export function corsHeaders(options: Pick<CorsOptions, "origins" | "exposeHeaders">): (origin?: string) => HeaderPairs {
  const allowed = new Set(options.origins);
  const fixed: HeaderPairs = [
    ["access-control-allow-credentials", "true"],
    ...(options.exposeHeaders.length
      ? [["access-control-expose-headers", options.exposeHeaders.join(",")] as const]
      : []),
  ];
  return (origin) => (origin && allowed.has(origin) ? [["access-control-allow-origin", origin], ...fixed] : []);
}

export function cors(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const preflight = honoCors({
    origin: [...options.origins],
    allowHeaders: options.allowHeaders,
    exposeHeaders: options.exposeHeaders,
    maxAge: options.maxAge,
    credentials: true,
  });
  const headersFor = corsHeaders(options);
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    const origin = c.req.header("origin");
    await next();
    const pairs = headersFor(origin);
    if (pairs.length) setResponseHeaders(c, pairs);
    c.res.headers.append("vary", "Origin");
  };
}
