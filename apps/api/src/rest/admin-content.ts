/** REST: /api/v1/admin: generate-structure, structure proposals, generated content review, regenerate, pre-generation. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export function mountAdminContentRoutes(_app: OpenAPIHono<AppEnv>): void {}
