/**
 * The cluster's primary process: it forks the API processes, forks a replacement when one dies
 * (at most once a second, so a process that cannot start does not spin), and on SIGTERM/SIGINT
 * passes the signal on and exits once every process has drained.
 */
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "@sira/infra";

export function runPrimary(processes: number, log: Logger, shutdownGraceMs: number): void {
  let stopping = false;
  let lastFork = 0;
  let live = 0;
  cluster.on("fork", () => {
    live += 1;
  });
  const fork = (): void => {
    const wait = Math.max(0, lastFork + 1000 - Date.now());
    lastFork = Date.now() + wait;
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, wait);
  };
  cluster.on("exit", (worker: Worker, code, signal) => {
    live -= 1;
    if (stopping) {
      if (live === 0) process.exit(0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, "API process exited; starting another");
    fork();
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  log.info({ processes }, "Sira API: one primary, serving processes forked");

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down the API processes");
    if (live === 0) process.exit(0);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // Each process exits within its grace period (plus a moment to close its clients).
    setTimeout(() => process.exit(1), shutdownGraceMs + 7_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
