/**
 * REST, hand-written: the bytes of illustrations and module media (binary answers with ETag, 304,
 * one byte range per request and immutable caching, through http/file-response.ts), and the
 * multipart upload of a module media (streamed with busboy straight to storage under the upload
 * cap: validating it as a form would buffer the file). Guards and documented errors come from the
 * same helpers as the endpoint definitions.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  AppError,
  imageFileQuery,
  type Language,
  type MediaUploadFields,
  mediaUploadFields,
  moduleMediaSchema,
} from "@sira/contracts";
import {
  generatedImageFile,
  moduleMediaFile,
  type StoredFile,
  tooLarge,
  uploadLimitBytes,
  uploadModuleMedia,
} from "@sira/domain";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, notModified, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { fileResponse } from "../http/file-response.ts";
import { uploadForm } from "../http/multipart.ts";
import { mediaRedirect, presignedMediaRedirect } from "../http/presigned-media.ts";
import { fieldErrorsFromZod } from "../http/problem.ts";

/** The bytes under an id never change: an illustration's address carries its version, a media's file is never rewritten. */
const IMMUTABLE = "private, max-age=31536000, immutable";
const REVALIDATE = "private, no-cache";
const read = { method: "get", auth: "learner" } as const;
const FILE_ERRORS = ["NOT_FOUND", "NOT_ENROLLED", "RANGE_NOT_SATISFIABLE"] as const;

const binary = (mime: string) => ({ [mime]: { schema: z.string().openapi({ format: "binary" }) } });

const imageRoute = createRoute({
  method: "get",
  path: "/api/v1/images/{image_id}",
  tags: ["content"],
  security: bearer,
  summary:
    "An illustration as WebP, 640 px wide or 320 (?width=320), for readers of its course. With `v` (its " +
    "version, from the listing) it is cached for good, and another `v` is 404; without, it is revalidated",
  middleware: routeMiddleware(read),
  request: { params: z.object({ image_id: z.uuid() }), query: imageFileQuery },
  responses: {
    200: { description: "WebP bytes", content: binary("image/webp") },
    206: { description: "The requested byte range", content: binary("image/webp") },
    302: presignedMediaRedirect,
    304: notModified,
    ...problemResponses({ ...read, input: true, errors: [...FILE_ERRORS, "IMAGE_NOT_READY"] }),
  },
});

const mediaFileRoute = createRoute({
  method: "get",
  path: "/api/v1/media/{media_id}/file",
  tags: ["content"],
  security: bearer,
  summary: "An uploaded module media's bytes (picture, audio or PDF), for readers of its course; Range honoured",
  middleware: routeMiddleware(read),
  request: { params: z.object({ media_id: z.uuid() }) },
  responses: {
    200: { description: "The file", content: binary("application/octet-stream") },
    206: { description: "The requested byte range", content: binary("application/octet-stream") },
    302: presignedMediaRedirect,
    304: notModified,
    ...problemResponses({ ...read, input: true, errors: FILE_ERRORS }),
  },
});

/** Streamed uploads write once under a new id; a stored answer would not help a retry. */
const upload = { method: "post", auth: "expert", idempotency: false } as const;
const UPLOAD_PATH = "/api/v1/admin/modules/{module_id}/media/upload";
/** Room for the multipart envelope and the text fields around the file when judging Content-Length. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const uploadRoute = createRoute({
  method: "post",
  path: UPLOAD_PATH,
  tags: ["admin"],
  security: bearer,
  summary: "Upload a picture (JPEG, PNG, WebP), audio (Ogg, MP3, M4A) or PDF to a module, at the end of its media",
  description:
    "Multipart form: the text fields `title_fr`, `title_en` and optionally `description_fr`, " +
    "`description_en`, `language`, `duration_ms`, then one `file` part (fields after the file are " +
    "ignored). The type is checked by content and must match the file's name and declared type; " +
    "the size is capped by the `uploads.max_mb` setting. The summary is written on the worker.",
  request: {
    params: z.object({ module_id: z.uuid() }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            title_fr: z.string(),
            title_en: z.string(),
            description_fr: z.string().optional(),
            description_en: z.string().optional(),
            language: z.enum(["fr", "en"]).optional(),
            duration_ms: z.string().optional(),
            file: z.string().openapi({ format: "binary" }),
          }),
        },
      },
    },
  },
  responses: {
    201: json(moduleMediaSchema, "The new media; its summary follows"),
    ...problemResponses({
      ...upload,
      input: true,
      errors: [
        "NOT_FOUND",
        "FILE_TOO_LARGE",
        "FILE_TYPE_NOT_ALLOWED",
        "FILE_EMPTY",
        "FILE_CORRUPT",
        "FILE_ENCRYPTED",
        "FILE_TOO_COMPLEX",
        "FILE_TEXT_TOO_LONG",
        "FILE_DECOMPRESSION_BOMB",
      ],
    }),
  },
});

const uploadParams = z.object({ module_id: z.uuid() });

/** The input, or a 400 naming each invalid field in the request's language. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, lang: Language): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsFromZod(result.error, lang) });
}

async function serve(c: Context<AppEnv>, file: StoredFile, cacheControl = IMMUTABLE): Promise<Response> {
  return fileResponse(
    (name) => c.req.header(name),
    c.req.method,
    { ...file, cacheControl },
    mediaRedirect(c.get("deps")),
  );
}

export function mountMediaRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(imageRoute, async (c) => {
    const { image_id } = c.req.valid("param");
    const { width, v } = c.req.valid("query");
    const file = await generatedImageFile(c.get("deps"), callerOf(c).viewer, image_id, width === 320 ? 320 : 640, v);
    // Without a version the address outlives a redraw: revalidate it (ETag) every time.
    return serve(c, file, v === undefined ? REVALIDATE : IMMUTABLE);
  });
  app.openapi(mediaFileRoute, async (c) => {
    const file = await moduleMediaFile(c.get("deps"), callerOf(c).viewer, c.req.valid("param").media_id);
    return serve(c, file);
  });

  // Documented through the registry, handled by hand: validating the body as a form would buffer it.
  app.openAPIRegistry.registerPath(uploadRoute);
  const [guard] = routeMiddleware(upload) as [MiddlewareHandler<AppEnv>];
  app.post("/api/v1/admin/modules/:module_id/media/upload", guard, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    const { module_id: moduleId } = parsed(uploadParams, { module_id: c.req.param("module_id") }, lang);
    const limit = await uploadLimitBytes(deps);
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > limit + MULTIPART_OVERHEAD_BYTES) throw tooLarge(limit);
    const form = await uploadForm(c.req.raw, { fields: 10, fieldSize: 8 * 1024, defaultName: "media" }, lang);
    try {
      const fields: MediaUploadFields = parsed(mediaUploadFields, form.fields, lang);
      const media = await uploadModuleMedia(
        deps,
        viewer,
        {
          moduleId,
          filename: form.filename,
          declaredMime: form.mimeType,
          fields,
          content: form.content,
        },
        meta,
        lang,
      );
      return c.json(media, 201);
    } catch (error) {
      form.discard();
      throw error;
    }
  });
}
