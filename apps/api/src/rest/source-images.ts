/**
 * REST: a source image's bytes. /api/v1/source-images/{id} and /thumbnail stream the WebP from
 * storage with the content hash as a strong ETag. Binary answers are hand-written routes; their
 * guard and documented errors come from the same helpers as the endpoint definitions.
 */
import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { sourceImageFile } from "@sira/domain";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { callerOf } from "../caller.ts";
import { bearer, notModified, problemResponses } from "../definition/problems.ts";
import { routeMiddleware } from "../definition/rest.ts";
import { ifNoneMatchHits } from "../http/etag.ts";
import { mediaRedirect, presignedMediaRedirect, redirectTo } from "../http/presigned-media.ts";

const idParam = z.object({ id: z.uuid() });
/** Images never change under an id (a new upload makes new ids), so clients keep them long. */
const IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable";
const access = { method: "get", auth: "learner" } as const;

const imageRoute = (path: string, summary: string) =>
  createRoute({
    method: "get",
    path,
    tags: ["content"],
    security: bearer,
    summary,
    middleware: routeMiddleware(access),
    request: { params: idParam },
    responses: {
      200: {
        description: "WebP bytes",
        content: { "image/webp": { schema: z.string().openapi({ format: "binary" }) } },
      },
      302: presignedMediaRedirect,
      304: notModified,
      ...problemResponses({ ...access, input: true, errors: ["NOT_FOUND", "NOT_ENROLLED"] }),
    },
  });

async function serveImage(c: Context<AppEnv>, id: string, variant: "full" | "thumbnail"): Promise<Response> {
  const file = await sourceImageFile(c.get("deps"), callerOf(c).viewer, id, variant);
  const headers = { etag: file.etag, "cache-control": IMAGE_CACHE_CONTROL, vary: "Authorization" };
  if (ifNoneMatchHits(c.req.header("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
  const redirect = mediaRedirect(c.get("deps"));
  if (redirect && c.req.method === "GET") {
    return redirectTo(await redirect({ ...file, cacheControl: IMAGE_CACHE_CONTROL }));
  }
  const body = Readable.toWeb(await file.open()) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { ...headers, "content-type": file.mimeType } });
}

export function mountSourceImageRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(imageRoute("/api/v1/source-images/{id}", "The image as WebP"), (c) =>
    serveImage(c, c.req.valid("param").id, "full"),
  );
  app.openapi(
    imageRoute("/api/v1/source-images/{id}/thumbnail", "The image's thumbnail (at most 320 px a side) as WebP"),
    (c) => serveImage(c, c.req.valid("param").id, "thumbnail"),
  );
}
