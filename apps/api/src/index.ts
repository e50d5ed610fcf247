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
import { endOpenStreams } from "./http/sse.ts";
import { answerClusterMetrics } from "./metrics/cluster.ts";
import { runPrimary } from "./primary.ts";

process.env.SIRA_SERVICE ??= "sira-api";
const config = loadConfigOrExit();
const log = logger();
const processes = config.WEB_CONCURRENCY || availableParallelism();
/** How soon a stream ended by a shutdown asks its client to reconnect (to another process). */
const STREAM_RECONNECT_MS = 1_000;

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
    // GET /metrics reaches one process, which asks this one for every process's figures.
    answerClusterMetrics();
    runPrimary(processes, log, config.SHUTDOWN_GRACE_MS);
  }
}
if (!cluster.isPrimary || processes <= 1) await serveApi();

async function serveApi(): Promise<void> {
  const deps = createAppDeps({ config, db: db(), redis: redis(), logger: log });
  const app = createApp(deps);
  // A Redis that lost its data lost the list of ended sessions: rebuilt before it is needed.
  deps.denylist
    .ensureLoaded()
    .catch((error: unknown) => log.warn({ err: error }, "session denylist not checked at start"));

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    log.info({ port: info.port, host: config.HOST }, "Sira API listening");
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    const grace = config.SHUTDOWN_GRACE_MS;
    // No new connections; idle keep-alive ones close now, busy ones once their answer is sent.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Event streams never finish on their own: they end now, telling the client to come back.
    const streams = endOpenStreams(STREAM_RECONNECT_MS);
    log.info({ signal, grace_ms: grace, streams }, "shutting down: requests in flight may finish");
    const cut = setTimeout(() => {
      log.warn("shutdown grace period over: closing the connections still open");
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, grace);
    // Closing the clients needs no more than a moment; never outlive the grace period by much.
    setTimeout(() => process.exit(1), grace + 5_000).unref();
    await closed;
    clearTimeout(cut);
    // Requests may record usage: the buffer is written once they are done.
    await deps.usage.close();
    await Promise.allSettled([closeQueues(), disconnectDb(), disconnectRedis()]);
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
