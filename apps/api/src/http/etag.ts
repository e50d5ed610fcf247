/**
 * Strong ETags on GET answers and `If-None-Match` → 304 with no body. The tag hashes the
 * uncompressed body; compression appends its coding (`"…-br"`), which matching ignores.
 */
import { createHash } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { replaceResponse } from "./replace-response.ts";

const CODING_SUFFIX = /-(br|gzip|zstd)"$/;

export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
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

export const etag = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return;
  const res = c.res;
  if (res.status !== 200 || !res.body) return;
  if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return;
  let tag = res.headers.get("etag");
  let body: Uint8Array | undefined;
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
