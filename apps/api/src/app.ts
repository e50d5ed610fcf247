/**
 * The Hono application: middleware in order, tRPC at /trpc, REST at /api/v1, health, docs.
 * Built from its dependencies so tests run the real app against their own database and Redis.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "@sira/contracts";
import type { AppDeps, AppEnv } from "./app-types.ts";
import { authenticate, claimedToken } from "./http/auth.ts";
import { requestBodyLimit } from "./http/body-limit.ts";
import { compression } from "./http/compression.ts";
import { cors, corsHeaders } from "./http/cors.ts";
import { etag } from "./http/etag.ts";
import { idempotency } from "./http/idempotency.ts";
import { languageMiddleware } from "./http/language.ts";
import { MemoRouter } from "./http/memo-router.ts";
import { allowedMethods, notFoundOrNotAllowed } from "./http/method-not-allowed.ts";
import { offlineReplay } from "./http/offline-replay.ts";
import { fieldErrorsFromZod, handleError } from "./http/problem.ts";
import { rateLimit } from "./http/rate-limit.ts";
import { requestContext } from "./http/request-context.ts";
import { fixedHeaders, SECURITY_HEADERS, SECURITY_HEADERS_HTML } from "./http/response-headers.ts";
import { storableText } from "./http/storable-text.ts";
import { dashboardPrefetch } from "./rest/dashboard.ts";
import { mountLiveness } from "./rest/health.ts";
import { METRICS_PATH, mountMetrics } from "./rest/metrics.ts";
import { mountOpenApi } from "./rest/openapi.ts";
import { mountRestSurface } from "./rest/surface.ts";
import { trpcCallCount } from "./trpc/batch.ts";
import { trpcHandler } from "./trpc/handler.ts";

const HEALTH_PATHS = new Set(["/health", "/health/ready"]);

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const { config } = deps;
  const app = new OpenAPIHono<AppEnv>({
    router: new MemoRouter(),
    defaultHook: (result, c) => {
      if (!result.success) {
        throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsFromZod(result.error, c.get("lang")) });
      }
    },
  });

  const corsOptions = {
    origins: config.CORS_ORIGINS,
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "Accept-Language",
      "Idempotency-Key",
      "X-Offline-Queued-At",
      "X-Request-Id",
      "If-None-Match",
      "Last-Event-ID",
      "trpc-accept",
    ],
    exposeHeaders: [
      "ETag",
      "Retry-After",
      "X-Request-Id",
      "Idempotent-Replayed",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
    ],
    maxAge: 600,
  };
  const corsFor = corsHeaders(corsOptions);
  mountLiveness(app, (origin) => [...SECURITY_HEADERS, ...corsFor(origin)]);

  app.use(requestContext(deps));
  // For Prometheus, with its own token: ahead of CORS, the limiters, sessions and body rules.
  mountMetrics(app, config.COMPRESSION_MIN_BYTES);
  app.use(cors(corsOptions));
  app.use(fixedHeaders(SECURITY_HEADERS, { prefix: "/docs", pairs: SECURITY_HEADERS_HTML }));
  app.use(compression(config.COMPRESSION_MIN_BYTES));
  app.use(
    rateLimit({
      bucket: "ip",
      limit: config.RATE_LIMIT_PER_MINUTE,
      appliesTo: (path) => !HEALTH_PATHS.has(path),
      cost: trpcCallCount,
      claim: claimedToken,
      prefetch: dashboardPrefetch,
    }),
  );
  // Readiness touches PostgreSQL and Redis: its own small budget, so probes never eat the API's.
  app.use(
    rateLimit({
      bucket: "ready",
      limit: config.READY_RATE_LIMIT_PER_MINUTE,
      appliesTo: (path) => path === "/health/ready",
    }),
  );
  app.use(authenticate);
  app.use(languageMiddleware);
  // Uploads stream to storage under their own cap (a platform setting); everything else is small.
  app.use(requestBodyLimit());
  app.use(storableText);

  app.use(offlineReplay);
  // REST routes take ETag and idempotency from their definitions (routeMiddleware); tRPC here.
  app.use("/trpc/*", idempotency);
  app.use("/trpc/*", etag);

  mountRestSurface(app);
  app.all("/trpc/*", trpcHandler);
  mountOpenApi(app);

  // A wrong method on a known path is a 405; /metrics without its token stays an unknown address.
  app.notFound(notFoundOrNotAllowed(allowedMethods(() => app.routes, config.METRICS_TOKEN ? [] : [METRICS_PATH])));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
