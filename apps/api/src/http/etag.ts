/**
 * Strong ETags on GET answers and `If-None-Match` → 304 with no body. The tag hashes the
 * uncompressed body; compression appends its coding (`"…-br"`), which matching ignores. Routes
 * that hold their JSON text tag it themselves (`taggedJson`); the middleware reads the body back
 * only for answers that come without a tag.
 */
import { hash } from "node:crypto";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { replaceResponse } from "./replace-response.ts";

const CODING_SUFFIX = /-(br|gzip|zstd)"$/;

/** The tag of a body: its bytes, or a text as its UTF-8 bytes (the same tag either way). */
export function strongEtag(body: Uint8Array | string): string {
  return `"${hash("sha256", body, "base64url").slice(0, 27)}"`;
}

function normalise(tag: string): string {
  return tag.trim().replace(/^W\//, "").replace(CODING_SUFFIX, '"');
}

/** True when an If-None-Match header matches the representation's tag (weak comparison, RFC 9110). */
export function ifNoneMatchHits(header: string | undefined | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const wanted = normalise(etag);
  return header.split(",").some((t) => normalise(t) === wanted);
}

/**
 * A GET's JSON answer with its tag, or a 304 when If-None-Match names it: what the middleware
 * below makes of `c.json`, without reading the body back from the response.
 */
export function taggedJson(c: Context, text: string, headers: Record<string, string> = {}): Response {
  const tag = strongEtag(text);
  if (ifNoneMatchHits(c.req.header("if-none-match"), tag)) return c.body(null, 304, { ...headers, etag: tag });
  return c.body(text, 200, { ...headers, "content-type": "application/json", etag: tag });
}

export const etag = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return;
  const res = c.res;
  if (res.status !== 200) return;
  let tag = res.headers.get("etag");
  // Tagged at the source: only a matching If-None-Match changes the answer (a body stays unread).
  if (tag && !ifNoneMatchHits(c.req.header("if-none-match"), tag)) return;
  if (!res.body) return;
  if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return;
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (!tag) {
    body = new Uint8Array(await res.arrayBuffer());
    tag = strongEtag(body);
  }
  const headers = new Headers(res.headers);
  headers.set("etag", tag);
  if (ifNoneMatchHits(c.req.header("if-none-match"), tag)) {
    for (const h of ["content-length", "content-type", "content-encoding"]) headers.delete(h);
    replaceResponse(c, new Response(null, { status: 304, headers }));
    return;
  }
  replaceResponse(c, new Response(body ?? res.body, { status: res.status, headers }));
});
