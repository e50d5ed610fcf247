/**
 * REST: /api/v1/admin/courses/{id}/resources (upload, list, status, delete, re-index), for admins
 * and the course's experts. The upload is multipart, streamed with busboy straight to storage
 * under the platform's size cap (the 1 MiB JSON body limit does not apply to it).
 */
import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  AppError,
  courseResourceListQuery,
  courseResourcePageSchema,
  courseResourceSchema,
  uploadedResourceSchema,
} from "@sira/contracts";
import {
  deleteCourseResource,
  getCourseResource,
  listCourseResources,
  reindexCourseResource,
  tooLarge,
  uploadCourseResource,
  uploadLimitBytes,
} from "@sira/domain";
import busboy from "busboy";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { pageEnvelope } from "../http/lists.ts";
import { bearer, json, problems } from "./docs.ts";

const RESOURCES = "/api/v1/admin/courses/{id}/resources";
const tags = ["admin"];
const courseParam = z.object({ id: z.uuid() });
const resourceParams = z.object({ id: z.uuid(), resource_id: z.uuid() });
const guarded = { 401: problems[401], 403: problems[403], 404: problems[404] };
/** Room for the multipart envelope around the file when judging Content-Length early. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const problem = (description: string) => ({ ...problems[400], description });

const routes = {
  upload: createRoute({
    method: "post",
    path: RESOURCES,
    tags,
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
      400: problem("No `file` field, or not multipart/form-data (VALIDATION_FAILED)"),
      ...guarded,
      413: problem("FILE_TOO_LARGE"),
      415: problem("FILE_TYPE_NOT_ALLOWED"),
      422: problem("FILE_ENCRYPTED, FILE_CORRUPT or FILE_EMPTY"),
    },
  }),
  list: createRoute({
    method: "get",
    path: RESOURCES,
    tags,
    security: bearer,
    summary: "The course's documents with their indexing status, newest first",
    request: { params: courseParam, query: courseResourceListQuery },
    responses: { 200: json(courseResourcePageSchema, "A page of documents"), 400: problems[400], ...guarded },
  }),
  get: createRoute({
    method: "get",
    path: `${RESOURCES}/{resource_id}`,
    tags,
    security: bearer,
    summary: "One document: indexing status, progress, error, chunks, pages, outline and summary",
    request: { params: resourceParams },
    responses: { 200: json(courseResourceSchema, "The document"), 400: problems[400], ...guarded },
  }),
  delete: createRoute({
    method: "delete",
    path: `${RESOURCES}/{resource_id}`,
    tags,
    security: bearer,
    summary: "Delete a document with its chunks, images and stored file",
    request: { params: resourceParams },
    responses: { 204: { description: "Deleted" }, 400: problems[400], ...guarded },
  }),
  reindex: createRoute({
    method: "post",
    path: `${RESOURCES}/{resource_id}/reindex`,
    tags,
    security: bearer,
    summary: "Index the document again (its chunks are replaced in one step when the job finishes)",
    request: { params: resourceParams },
    responses: { 202: json(courseResourceSchema, "Queued again"), 400: problems[400], ...guarded },
  }),
};

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
  app.use("/api/v1/admin/courses/:id/resources", requireRole("admin", "expert"));
  app.use("/api/v1/admin/courses/:id/resources/*", requireRole("admin", "expert"));

  // Documented through the registry but handled by hand: validating the body as a form would
  // buffer the whole upload in memory.
  app.openAPIRegistry.registerPath(routes.upload);
  app.post("/api/v1/admin/courses/:id/resources", async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const params = courseParam.safeParse({ id: c.req.param("id") });
    if (!params.success) {
      throw new AppError("VALIDATION_FAILED", {
        fieldErrors: [{ field: "id", code: "invalid_format", message: "Invalid UUID" }],
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
        { courseId: params.data.id, filename: part.filename, content: part.content },
        meta,
      );
      return c.json(resource, resource.duplicate ? 200 : 201);
    } catch (error) {
      part.discard();
      throw error;
    }
  });

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid("query");
    const page = await listCourseResources(c.get("deps"), callerOf(c).viewer, c.req.valid("param").id, query);
    return c.json(pageEnvelope(page.items, page.total, query), 200);
  });
  app.openapi(routes.get, async (c) => {
    const { id, resource_id } = c.req.valid("param");
    return c.json(await getCourseResource(c.get("deps"), callerOf(c).viewer, id, resource_id), 200);
  });
  app.openapi(routes.delete, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, resource_id } = c.req.valid("param");
    await deleteCourseResource(deps, viewer, id, resource_id, meta);
    return c.body(null, 204);
  });
  app.openapi(routes.reindex, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const { id, resource_id } = c.req.valid("param");
    return c.json(await reindexCourseResource(deps, viewer, id, resource_id, meta), 202);
  });
}
