/**
 * Response compression for 2G/3G: brotli, zstd or gzip above a minimum size. Event streams are
 * never touched (compressing them would buffer the stream), nor are already-compressed media.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { compressBytes, negotiateEncoding } from "./encoding.ts";
import { replaceResponse } from "./replace-response.ts";

const COMPRESSIBLE = /^(application\/(.+\+)?(json|xml|javascript)|text\/(?!event-stream)|image\/svg\+xml)/i;

export function compression(minBytes: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const res = c.res;
    // Headers first: asking a response for its body turns @hono/node-server's light answer into a
    // Web Response written through a stream, so the body is touched only when it may be compressed.
    if (c.req.method === "HEAD" || res.status === 204 || res.status === 304) return;
    if (res.headers.has("content-encoding")) return;
    if (!COMPRESSIBLE.test(res.headers.get("content-type") ?? "")) return;
    if (res.headers.get("cache-control")?.includes("no-transform")) return;
    appendVary(res.headers, "Accept-Encoding");
    const encoding = negotiateEncoding(c.req.header("accept-encoding"));
    if (!encoding) return;
    const declared = Number(res.headers.get("content-length") ?? Number.NaN);
    if (declared < minBytes || !res.body) return;

    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.byteLength < minBytes) {
      replaceResponse(c, new Response(body, { status: res.status, headers }));
      return;
    }
    const compressed = await compressBytes(body, encoding);
    headers.set("content-encoding", encoding);
    headers.set("content-length", String(compressed.byteLength));
    // A strong ETag names one representation, so each coding gets its own (see etag.ts).
    const etag = headers.get("etag");
    if (etag?.endsWith('"') && !etag.startsWith("W/")) headers.set("etag", `${etag.slice(0, -1)}-${encoding}"`);
    // Node's buffers are ArrayBuffer-backed; the DOM's Response type (the admin console's check) wants that said.
    replaceResponse(c, new Response(compressed as Uint8Array<ArrayBuffer>, { status: res.status, headers }));
  });
}

export function appendVary(headers: Headers, value: string): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", value);
  else if (
    !vary
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes(value.toLowerCase())
  )
    headers.set("vary", `${vary}, ${value}`);
}
