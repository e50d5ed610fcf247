/**
 * Headers the pipeline adds to every answer (security, CORS, request id, rate limit), written
 * where they cost least. On @hono/node-server they go straight onto Node's response, which sends
 * them with the answer's own: a Web `Headers` validates every name and value through WebIDL on
 * each `set`, and the node adapter then copies them out again, which cost more than the rest of a
 * /health request. In-process requests (`app.request`, tests) have no Node response: the headers go
 * onto the answer as before. An answer's own header of the same name wins; none sets these.
 */
import { ServerResponse } from "node:http";
import type { Context, MiddlewareHandler } from "hono";

export type HeaderPairs = readonly (readonly [string, string])[];

/**
 * Security headers on every answer the API gives: JSON, problems, SSE, files. They follow OWASP's
 * REST guidance; the browser-document headers (`SECURITY_HEADERS_HTML`) mean nothing on an answer a
 * browser never renders as a page, and cost ~550 bytes of uncompressed head on every 2G answer.
 * `default-src 'none'` still stops anything an answer could be tricked into running if opened.
 */
export const SECURITY_HEADERS: HeaderPairs = [
  ["cross-origin-resource-policy", "cross-origin"],
  ["referrer-policy", "no-referrer"],
  ["strict-transport-security", "max-age=31536000; includeSubDomains"],
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
];

/**
 * The headers Hono's `secureHeaders` writes with the API's options for its HTML pages (/docs: its
 * defaults, with the CSP, HSTS and cross-origin resource policy below); a test checks they match.
 */
export const SECURITY_HEADERS_HTML: HeaderPairs = [
  ["cross-origin-resource-policy", "cross-origin"],
  ["cross-origin-opener-policy", "same-origin"],
  ["origin-agent-cluster", "?1"],
  ["referrer-policy", "no-referrer"],
  ["strict-transport-security", "max-age=31536000; includeSubDomains"],
  ["x-content-type-options", "nosniff"],
  ["x-dns-prefetch-control", "off"],
  ["x-download-options", "noopen"],
  ["x-frame-options", "SAMEORIGIN"],
  ["x-permitted-cross-domain-policies", "none"],
  ["x-xss-protection", "0"],
  [
    "content-security-policy",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  ],
];

/** Node's response under a request served by @hono/node-server, while its head is unsent. */
function pendingOutgoing(c: Context): ServerResponse | null {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : null;
}

/** Sets headers on the answer `c.res` is about to send (call after `next()`). */
export function setResponseHeaders(c: Context, pairs: HeaderPairs): void {
  const outgoing = pendingOutgoing(c);
  if (outgoing) for (const [name, value] of pairs) outgoing.setHeader(name, value);
  else {
    const headers = c.res.headers;
    for (const [name, value] of pairs) headers.set(name, value);
  }
}

/** Sets headers on the answer a handler is about to return (call before making it). */
export function presetResponseHeaders(c: Context, pairs: HeaderPairs): void {
  const outgoing = pendingOutgoing(c);
  if (outgoing) for (const [name, value] of pairs) outgoing.setHeader(name, value);
  else for (const [name, value] of pairs) c.header(name, value);
}

/** Fixed headers on every answer; paths under `htmlPrefix` (the API's own pages) get `htmlPairs`. */
export function fixedHeaders(pairs: HeaderPairs, html?: { prefix: string; pairs: HeaderPairs }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    setResponseHeaders(c, html && c.req.path.startsWith(html.prefix) ? html.pairs : pairs);
  };
}
