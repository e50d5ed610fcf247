/**
 * Stored files over HTTP: a strong ETag with `If-None-Match` → 304, and one byte range per request
 * (`Range: bytes=a-b`, `a-`, `-n`) → 206, honouring `If-Range`. Several ranges in one header are
 * answered with the whole file (RFC 9110 lets a server ignore Range); a range past the end is a
 * 416 problem naming the length. Audio players and phones resuming a download on 2G rely on this.
 */
import { Readable } from "node:stream";
import { AppError } from "@sira/contracts";
import type { ByteRange } from "@sira/infra";
import { ifNoneMatchHits } from "./etag.ts";
import { inlineDisposition, type MediaRedirect, redirectTo } from "./presigned-media.ts";

export interface ServedFile {
  size: number;
  /** A strong ETag (quoted). */
  etag: string;
  mimeType: string;
  cacheControl: string;
  open(range?: ByteRange): Promise<Readable>;
  /** Sent as `Content-Disposition: inline; filename=…` when set. */
  filename?: string;
  /** The object's key in storage: with `redirect`, a GET is answered 302 to the store. */
  storageKey?: string;
}

/** The byte range a Range header asks of a file of `size` bytes; null: serve it whole. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null; // several ranges or another unit
  const [first, last] = [match[1] ?? "", match[2] ?? ""];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): AppError {
  return new AppError("RANGE_NOT_SATISFIABLE", { extensions: { complete_length: size } });
}

/**
 * The file's answer: 304, or its bytes (whole or one range), or, with `redirect` (presigned media,
 * http/presigned-media.ts), a 302 to the store for a GET, which then honours Range itself.
 */
export async function fileResponse(
  headerOf: (name: string) => string | undefined,
  method: string,
  file: ServedFile,
  redirect?: MediaRedirect | null,
): Promise<Response> {
  const headers: Record<string, string> = {
    etag: file.etag,
    "cache-control": file.cacheControl,
    "accept-ranges": "bytes",
    vary: "Authorization",
  };
  if (ifNoneMatchHits(headerOf("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
  if (redirect && file.storageKey && method === "GET" && file.size > 0) {
    return redirectTo(await redirect({ ...file, storageKey: file.storageKey, cacheControl: file.cacheControl }));
  }
  headers["content-type"] = file.mimeType;
  if (file.filename) headers["content-disposition"] = inlineDisposition(file.filename);
  const ifRange = headerOf("if-range");
  const range = ifRange && ifRange.trim() !== file.etag ? null : parseByteRange(headerOf("range"), file.size);
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${file.size}`;
  headers["content-length"] = String(range ? range.end - range.start + 1 : file.size);
  if (method === "HEAD" || file.size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(await file.open(range ?? undefined)) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
