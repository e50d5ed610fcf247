/**
 * REST: a lesson read aloud. GET /api/v1/lessons/{id}/audio answers 200 with the manifest when
 * every section is made, else 202 with Retry-After and the sections made so far (the job starts
 * once). GET …/audio/sections/{index} serves one section's bytes (Range, If-Range, ETag, long-lived
 * caching: the manifest's URL names the lesson version). Hand-written: the status depends on the
 * outcome, and the sections are binary. A GET of section 0 from its start (not a probe) counts one play.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  lessonAudioParams,
  lessonAudioQuery,
  lessonAudioSchema,
  lessonAudioSectionParams,
  lessonAudioSectionQuery,
} from "@sira/contracts";
import { getLessonAudio, lessonAudioSection } from "@sira/domain";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, notModified, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { LESSON_AUDIO_ERRORS } from "../endpoints/audio.ts";
import { ifNoneMatchHits } from "../http/etag.ts";
import { fileResponse } from "../http/file-response.ts";
import { mediaRedirect, presignedMediaRedirect } from "../http/presigned-media.ts";

const access = { method: "get", auth: "learner" } as const;
/** A section's URL names the lesson version and its bytes never change under it. */
const SECTION_CACHE_CONTROL = "private, max-age=31536000, immutable";
const SECTION_ERRORS = [
  ...LESSON_AUDIO_ERRORS.filter((c) => c !== "AUDIO_UNAVAILABLE"),
  "AUDIO_NOT_READY",
  "RANGE_NOT_SATISFIABLE",
] as const;
const binary = z.string().openapi({ format: "binary" });
const audioContent = { "audio/ogg": { schema: binary }, "audio/mpeg": { schema: binary } };

const routes = {
  manifest: createRoute({
    method: "get",
    path: "/api/v1/lessons/{id}/audio",
    tags: ["lessons"],
    security: bearer,
    summary:
      "The lesson read aloud, one file per section (?format=opus, the default, about 2.5 KB per second; or mp3): " +
      "200 with every section when ready, else 202 with Retry-After and the sections made so far (start with section 0)",
    middleware: routeMiddleware(access),
    request: { params: lessonAudioParams, query: lessonAudioQuery },
    responses: {
      200: json(lessonAudioSchema, "Every section, in lesson order"),
      202: json(lessonAudioSchema, "Being generated: the sections made so far; ask again after Retry-After"),
      304: notModified,
      ...problemResponses({ ...access, input: true, errors: LESSON_AUDIO_ERRORS }),
    },
  }),
  section: createRoute({
    method: "get",
    path: "/api/v1/lessons/{id}/audio/sections/{index}",
    tags: ["lessons"],
    security: bearer,
    summary:
      "One section's audio (Ogg/Opus or MP3). One byte range per request (206; If-Range); ETag and 304. " +
      "A `v` other than the lesson's version is 404: fetch the manifest again. Without `v`, revalidated (no-cache)",
    middleware: routeMiddleware(access),
    request: { params: lessonAudioSectionParams, query: lessonAudioSectionQuery },
    responses: {
      200: { description: "The section's bytes", content: audioContent },
      206: { description: "The requested byte range (Content-Range)", content: audioContent },
      302: presignedMediaRedirect,
      304: notModified,
      ...problemResponses({ ...access, input: true, errors: SECTION_ERRORS }),
    },
  }),
};

/** Below this, a range from byte 0 is a player's probe (Safari asks `bytes=0-1` first), not a play. */
const PROBE_BYTES = 8 * 1024;

/**
 * Section 0 fetched by GET from its first byte, whole or more than a probe, is one play; HEAD,
 * probes, resumed or seeking range requests are not.
 */
function isPlay(method: string, range: string | undefined, size: number): boolean {
  if (method !== "GET") return false;
  if (range === undefined) return true;
  const match = /^\s*bytes=0-(\d*)\s*$/.exec(range);
  if (!match) return false;
  return match[1] === "" || Number(match[1]) + 1 >= Math.min(PROBE_BYTES, size);
}

export function mountLessonAudioRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.manifest, async (c) => {
    const { id } = c.req.valid("param");
    const audio = await getLessonAudio(c.get("deps"), callerOf(c).viewer, id, c.req.valid("query").format);
    if (audio.status === "ready") return c.json(audio, 200);
    c.header("retry-after", String(audio.retry_after ?? 3));
    c.header("cache-control", "no-store");
    return c.json(audio, 202);
  });

  app.openapi(routes.section, async (c) => {
    const { id, index } = c.req.valid("param");
    const { format, v } = c.req.valid("query");
    const file = await lessonAudioSection(c.get("deps"), callerOf(c).viewer, id, index, format, v);
    const headerOf = (name: string) => c.req.header(name);
    // Without `v` the address outlives a new version: revalidate it (ETag) every time.
    const cacheControl = v === undefined ? "private, no-cache" : SECTION_CACHE_CONTROL;
    const response = await fileResponse(
      headerOf,
      c.req.method,
      { ...file, cacheControl },
      mediaRedirect(c.get("deps")),
    );
    if (
      index === 0 &&
      !ifNoneMatchHits(headerOf("if-none-match"), file.etag) &&
      isPlay(c.req.method, headerOf("range"), file.size)
    ) {
      file.recordPlay();
    }
    return response;
  });
}
