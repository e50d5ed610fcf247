/** REST: /api/v1/admin/courses/{id}/resources (upload, list, delete, re-index, status). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export function mountAdminResourceRoutes(_app: OpenAPIHono<AppEnv>): void {}
