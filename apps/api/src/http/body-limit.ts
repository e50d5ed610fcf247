/**
 * Request bodies are small (1 MiB) everywhere except on the routes that stream an upload to
 * storage under their own cap, matched by method and path (never by content type alone).
 * - Multipart is accepted only there: elsewhere (tRPC above all, which would read a whole form into
 *   memory) it is a 415 before any byte of the body is read.
 * - A declared Content-Length over the limit is a 413 before reading; a chunked body is a 413 as
 *   soon as it crosses the limit.
 * Each refusal closes the connection, so the rest of the body is never read.
 */
import { AppError, type ErrorCode } from "@sira/contracts";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { problemResponse } from "./problem.ts";

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The routes whose body streams to storage under their own size cap (rest/admin-resources.ts, rest/media.ts). */
const STREAMED_UPLOADS: readonly { method: string; path: RegExp }[] = [
  { method: "POST", path: /^\/api\/v1\/admin\/courses\/[^/]+\/resources$/ },
  { method: "POST", path: /^\/api\/v1\/admin\/modules\/[^/]+\/media\/upload$/ },
];

/** True for a request to a streamed upload route (its body is not limited or buffered here). */
export function isStreamedUpload(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return STREAMED_UPLOADS.some((route) => route.method === request.method && route.path.test(path));
}

const isMultipart = (request: Request): boolean =>
  (request.headers.get("content-type") ?? "").trimStart().toLowerCase().startsWith("multipart/");

/** The problem answer, on a connection that closes once it is sent (the unread body goes with it). */
function refuse(c: Context<AppEnv>, code: ErrorCode): Response {
  const res = problemResponse(c, new AppError(code));
  res.headers.set("connection", "close");
  return res;
}

/**
 * Whether a request may carry a body. A GET or HEAD never does (a Web Request refuses one), and
 * asking its `body` would build the whole Web Request that @hono/node-server otherwise never makes.
 */
export const mayHaveBody = (request: Request): boolean => request.method !== "GET" && request.method !== "HEAD";

/** The body rules above, for every route. */
export function requestBodyLimit(maxBytes = BODY_LIMIT_BYTES) {
  const limited = bodyLimit({ maxSize: maxBytes, onError: (c) => refuse(c, "PAYLOAD_TOO_LARGE") });
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!mayHaveBody(c.req.raw) || isStreamedUpload(c.req.raw)) return next();
    if (c.req.raw.body && isMultipart(c.req.raw)) return refuse(c, "UNSUPPORTED_MEDIA_TYPE");
    return limited(c, next);
  });
}
