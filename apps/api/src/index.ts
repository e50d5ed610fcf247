/**
 * The API: WEB_CONCURRENCY processes (one per core when 0) share PORT through node:cluster; each
 * serves the app and drains its in-flight requests on SIGTERM/SIGINT (docs/operations.md).
 */
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { serve } from "@hono/node-server";
import { checkTotpKeyring } from "@sira/domain";
import { closeQueues, disconnectRedis, loadConfigOrExit, logger, redis } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";
import { createApp } from "./app.ts";
import { createAppDeps } from "./deps.ts";
import { runPrimary } from "./primary.ts";

process.env.SIRA_SERVICE ??= "sira-api";
const config = loadConfigOrExit();
const log = logger();
const processes = config.WEB_CONCURRENCY || availableParallelism();

if (cluster.isPrimary) {
  try {
    const problems = await checkTotpKeyring(db(), config);
    if (problems.length) {
      log.fatal({ problems }, "refusing to start: the TOTP keyring cannot open stored secrets");
      process.exit(1);
    }
  } catch (error) {
    // The database may not be up yet: readiness reports it, and the keyring is checked at next start.
    log.warn({ err: error }, "could not check the TOTP keyring at start-up");
  }
  if (processes > 1) {
    await disconnectDb();
    runPrimary(processes, log);
  }
}
if (!cluster.isPrimary || processes <= 1) await serveApi();

async function serveApi(): Promise<void> {
  const deps = createAppDeps({ config, db: db(), redis: redis(), logger: log });
  const app = createApp(deps);

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    log.info({ port: info.port, host: config.HOST }, "Sira API listening");
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // In-flight requests finish first (they may record usage), then the buffer is written.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deps.usage.close();
    await Promise.allSettled([closeQueues(), disconnectDb(), disconnectRedis()]);
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
