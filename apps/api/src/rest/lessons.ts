/** REST: /api/v1/modules/{id}/lessons/{unit_id} (JSON and SSE stream), reading progress. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export function mountLessonRoutes(_app: OpenAPIHono<AppEnv>): void {}
