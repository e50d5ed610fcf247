/** The REST surface's OpenAPI document (/openapi.json) and a readable, offline page (/docs). */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-types.ts";
import { etag } from "../http/etag.ts";

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
};

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sira API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;
const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui", deepLinking: true });`;

export function mountOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.use("/openapi.json", etag);
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Sira API",
      version: "1.0.0",
      description:
        "Sira's REST surface for mobile clients, the SMS relay and integrations. Errors are RFC 9457 problem+json " +
        "with a stable `code`; lists take `?page=&limit=&fields=`; sync endpoints take `?since=`; mutations accept " +
        "`Idempotency-Key` and `X-Offline-Queued-At`. The same procedures are served over tRPC at /trpc.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get("/docs", (c) => c.html(page));
  app.get("/docs/assets/init.js", (c) =>
    c.body(init, 200, { "content-type": "application/javascript; charset=utf-8" }),
  );
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) return c.notFound();
    c.header("cache-control", "public, max-age=86400");
    return c.body(await readFile(join(swaggerDir, file)), 200, { "content-type": type });
  });
}
