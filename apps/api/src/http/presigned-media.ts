/**
 * Presigned media (decision 0058). With STORAGE_PRESIGNED_MEDIA on a store that can presign (an
 * S3-compatible bucket), a GET of lesson audio, an illustration, a source image or a module media
 * answers 302 to a short-lived URL of the object, after the route has checked who may read it and
 * answered If-None-Match itself; the bytes then go from the store to the client, Range included.
 * The redirect is never cached (each one passes the access check); the URL it names is the same
 * string for half its lifetime, so the client's cache of the bytes, keyed by URL, still hits.
 * HEAD stays on the API (a presigned URL is signed for GET only), as does everything else.
 */
import type { AppDeps } from "../app-types.ts";

/** What the store should answer with, as the API would. */
export interface PresignableFile {
  storageKey: string;
  mimeType: string;
  cacheControl: string;
  filename?: string;
}

/** Gives the presigned URL of a file the caller may read. */
export type MediaRedirect = (file: PresignableFile) => Promise<string>;

/** `inline; filename="…"` without the characters that could break out of the quotes. */
export function inlineDisposition(filename: string): string {
  return `inline; filename="${filename.replace(/["\\\r\n]/g, "_")}"`;
}

/** The redirect to use for media, or null to serve the bytes through the API. */
export function mediaRedirect(deps: Pick<AppDeps, "config" | "storage">): MediaRedirect | null {
  const { config, storage } = deps;
  const presign = storage.presignedGetUrl?.bind(storage);
  if (!config.STORAGE_PRESIGNED_MEDIA || !presign) return null;
  return (file) =>
    presign(file.storageKey, {
      expiresInSeconds: config.STORAGE_PRESIGNED_TTL_SECONDS,
      contentType: file.mimeType,
      cacheControl: file.cacheControl,
      ...(file.filename ? { contentDisposition: inlineDisposition(file.filename) } : {}),
    });
}

/** The 302 as the OpenAPI document describes it. */
export const presignedMediaRedirect = {
  description:
    "With presigned media on (STORAGE_PRESIGNED_MEDIA), a GET the caller may make is sent to the store: " +
    "Location is a short-lived URL of the bytes (Range honoured there); the redirect itself is not cached",
};

/** The 302 to the store: never stored, so the next request passes the access check again. */
export function redirectTo(url: string): Response {
  return new Response(null, {
    status: 302,
    headers: { location: url, "cache-control": "private, no-store", vary: "Authorization" },
  });
}
