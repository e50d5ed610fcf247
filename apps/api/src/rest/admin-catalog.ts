import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export function mountAdminCatalogRoutes(_app: OpenAPIHono<AppEnv>): void {}
