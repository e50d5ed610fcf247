/**
 * REST: the upload of a course document, for admins and the course's experts. It is multipart,
 * streamed with busboy straight to storage under the platform's size cap (the 1 MiB JSON body limit
 * does not apply to it), so it is a hand-written route; the rest of the area is definitions.
 */
import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, uploadedResourceSchema } from "@sira/contracts";
import { tooLarge, uploadCourseResource, uploadLimitBytes } from "@sira/domain";
import busboy from "busboy";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { RESOURCES } from "../endpoints/admin-resources.ts";

const courseParam = z.object({ course_id: z.uuid() });
/** Room for the multipart envelope around the file when judging Content-Length early. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** Streamed uploads are idempotent by content hash, not by stored answers. */
const access = { method: "post", auth: "expert", idempotency: false } as const;

const upload = createRoute({
  method: "post",
  path: RESOURCES,
  tags: ["admin"],
  security: bearer,
  summary: "Upload a course document (PDF, DOCX, CSV, TXT or Markdown) and queue it for indexing",
  description:
    "Multipart form with one `file` field. The type is checked by content, the size against the " +
    "`uploads.max_mb` setting. Identical bytes already uploaded to the course return the existing " +
    "resource with 200 and `duplicate: true`; nothing is indexed twice.",
  request: {
    params: courseParam,
    body: {
      required: true,
      content: { "multipart/form-data": { schema: z.object({ file: z.string().openapi({ format: "binary" }) }) } },
    },
  },
  responses: {
    201: json(uploadedResourceSchema, "The new resource, queued for indexing"),
    200: json(uploadedResourceSchema, "These bytes were already uploaded: the existing resource"),
    ...problemResponses({
      ...access,
      input: true,
      errors: [
        "NOT_FOUND",
        "FILE_TOO_LARGE",
        "FILE_TYPE_NOT_ALLOWED",
        "FILE_ENCRYPTED",
        "FILE_CORRUPT",
        "FILE_EMPTY",
        "FILE_DECOMPRESSION_BOMB",
        "FILE_TEXT_TOO_LONG",
        "FILE_TOO_COMPLEX",
      ],
    }),
  },
});

function invalidUpload(message: string): AppError {
  return new AppError("VALIDATION_FAILED", { fieldErrors: [{ field: "file", code: "required", message }] });
}

interface FilePart {
  filename: string;
  content: AsyncIterable<Uint8Array>;
  /** Stops reading the request body (after a refusal, the rest of the upload is not wanted). */
  discard(): void;
}

/** The `file` part of a multipart body, as a stream; other parts are skipped. */
function filePart(request: Request): Promise<FilePart> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data") || !request.body) {
    return Promise.reject(invalidUpload("Send multipart/form-data with a `file` field"));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 30 },
      });
    } catch {
      reject(invalidUpload("The multipart body has no boundary"));
      return;
    }
    let found = false;
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || found) {
        stream.resume();
        return;
      }
      found = true;
      // Errors surface where the part is read (readPart); this only keeps them from going unhandled.
      stream.on("error", () => undefined);
      resolve({
        filename: info.filename ?? "document",
        content: readPart(stream),
        discard: () => {
          source.unpipe(parser);
          source.destroy();
          stream.destroy();
        },
      });
    });
    parser.on("error", () => {
      if (!found) reject(invalidUpload("The multipart body is malformed"));
    });
    parser.on("close", () => {
      if (!found) reject(invalidUpload("The form has no `file` field"));
    });
    const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream);
    source.pipe(parser);
  });
}

/** The part's bytes; a body cut short is the client's error, not ours. */
async function* readPart(stream: Readable): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", {
      cause: error,
      fieldErrors: [{ field: "file", code: "truncated", message: "The upload ended before the file did" }],
    });
  }
}

export function mountAdminResourceRoutes(app: OpenAPIHono<AppEnv>): void {
  // Documented through the registry but handled by hand: validating the body as a form would
  // buffer the whole upload in memory.
  app.openAPIRegistry.registerPath(upload);
  const [guard] = routeMiddleware(access) as [MiddlewareHandler<AppEnv>];
  app.post("/api/v1/admin/courses/:course_id/resources", guard, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const params = courseParam.safeParse({ course_id: c.req.param("course_id") });
    if (!params.success) {
      throw new AppError("VALIDATION_FAILED", {
        fieldErrors: [{ field: "course_id", code: "invalid_format", message: "Invalid UUID" }],
      });
    }
    const limit = await uploadLimitBytes(deps);
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > limit + MULTIPART_OVERHEAD_BYTES) throw tooLarge(limit);
    const part = await filePart(c.req.raw);
    try {
      const resource = await uploadCourseResource(
        deps,
        viewer,
        { courseId: params.data.course_id, filename: part.filename, content: part.content },
        meta,
      );
      return c.json(resource, resource.duplicate ? 200 : 201);
    } catch (error) {
      part.discard();
      throw error;
    }
  });
}
