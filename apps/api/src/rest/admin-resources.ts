/**
 * REST: the upload of a course document, for admins and the course's experts. It is multipart,
 * streamed with busboy straight to storage under the platform's size cap (the 1 MiB JSON body limit
 * does not apply to it), so it is a hand-written route; the rest of the area is definitions.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, uploadedResourceSchema } from "@sira/contracts";
import { tooLarge, uploadCourseResource, uploadLimitBytes } from "@sira/domain";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, json, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { RESOURCES } from "../endpoints/admin-resources.ts";
import { uploadForm } from "../http/multipart.ts";
import { fieldErrorsFromZod } from "../http/problem.ts";

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

export function mountAdminResourceRoutes(app: OpenAPIHono<AppEnv>): void {
  // Documented through the registry but handled by hand: validating the body as a form would
  // buffer the whole upload in memory.
  app.openAPIRegistry.registerPath(upload);
  const [guard] = routeMiddleware(access) as [MiddlewareHandler<AppEnv>];
  app.post("/api/v1/admin/courses/:course_id/resources", guard, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    const params = courseParam.safeParse({ course_id: c.req.param("course_id") });
    if (!params.success) {
      throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsFromZod(params.error, lang) });
    }
    const limit = await uploadLimitBytes(deps);
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > limit + MULTIPART_OVERHEAD_BYTES) throw tooLarge(limit);
    const part = await uploadForm(c.req.raw, { fields: 20, fieldSize: 64 * 1024, defaultName: "document" }, lang);
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
