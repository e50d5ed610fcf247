/**
 * REST: images extracted from course documents. /api/v1/courses/{id}/source-images lists them;
 * /api/v1/source-images/{id} and /thumbnail serve the WebP bytes, streamed from storage, with the
 * content hash as a strong ETag. Readable by admins, the course's experts and enrolled learners.
 */
import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { sourceImageListQuery, sourceImagePageSchema } from "@sira/contracts";
import { listSourceImages, sourceImageFile } from "@sira/domain";
import type { Context } from "hono";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { ifNoneMatchHits } from "../http/etag.ts";
import { pageEnvelope } from "../http/lists.ts";
import { bearer, json, problems } from "./docs.ts";

const tags = ["content"];
const idParam = z.object({ id: z.uuid() });
const guarded = { 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404] };
/** Images never change under an id (a new upload makes new ids), so clients keep them long. */
const IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable";

const webp = (description: string) => ({
  description,
  content: { "image/webp": { schema: z.string().openapi({ format: "binary" }) } },
});

const routes = {
  list: createRoute({
    method: "get",
    path: "/api/v1/courses/{id}/source-images",
    tags,
    security: bearer,
    summary: "Images extracted from the course's documents, in document order",
    request: { params: idParam, query: sourceImageListQuery },
    responses: { 200: json(sourceImagePageSchema, "A page of images"), ...guarded },
  }),
  full: createRoute({
    method: "get",
    path: "/api/v1/source-images/{id}",
    tags,
    security: bearer,
    summary: "The image as WebP",
    request: { params: idParam },
    responses: { 200: webp("The image"), 304: { description: "Not modified" }, ...guarded },
  }),
  thumbnail: createRoute({
    method: "get",
    path: "/api/v1/source-images/{id}/thumbnail",
    tags,
    security: bearer,
    summary: "The image's thumbnail (at most 320 px a side) as WebP",
    request: { params: idParam },
    responses: { 200: webp("The thumbnail"), 304: { description: "Not modified" }, ...guarded },
  }),
};

async function serveImage(c: Context<AppEnv>, id: string, variant: "full" | "thumbnail"): Promise<Response> {
  const file = await sourceImageFile(c.get("deps"), callerOf(c).viewer, id, variant);
  const headers = { etag: file.etag, "cache-control": IMAGE_CACHE_CONTROL, vary: "Authorization" };
  if (ifNoneMatchHits(c.req.header("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
  const body = Readable.toWeb(await file.open()) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { ...headers, "content-type": file.mimeType } });
}

export function mountSourceImageRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/courses/:id/source-images", requireRole());
  app.use("/api/v1/source-images/*", requireRole());

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid("query");
    const page = await listSourceImages(c.get("deps"), callerOf(c).viewer, c.req.valid("param").id, query);
    return c.json(pageEnvelope(page.items, page.total, query), 200);
  });
  app.openapi(routes.full, (c) => serveImage(c, c.req.valid("param").id, "full"));
  app.openapi(routes.thumbnail, (c) => serveImage(c, c.req.valid("param").id, "thumbnail"));
}
