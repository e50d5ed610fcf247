/** REST: /api/v1/source-images (images extracted from course documents, WebP thumbnails). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export function mountSourceImageRoutes(_app: OpenAPIHono<AppEnv>): void {}
