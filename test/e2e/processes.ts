/** Starts the real API and worker as child processes, as production runs them. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { LOG_FLUSH_MS } from "@sira/infra";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Node itself runs the service with tsx's loader (no tsx wrapper process): a signal reaches the service. */
const tsxLoader = ["--require", "tsx/preflight", "--import", "tsx"];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Service {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * One serving process unless `env` asks for more: a cluster loads the app three times (the primary
 * and a fork per core), which on a loaded 2-core runner took past the start-up wait. The cluster
 * has its own tests (metrics.test.ts).
 */
export function startService(entry: "api" | "worker", env: Record<string, string>): Service {
  const child = spawn(process.execPath, [...tsxLoader, `apps/${entry}/src/index.ts`], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", WEB_CONCURRENCY: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Resolves once `url` answers, or rejects with the service's output after `ms`. */
export async function waitFor(url: string, service: Service, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`service exited:\n${service.output()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}:\n${service.output()}`);
}

/**
 * What the service has logged so far, once the lines it holds in its log buffer have been written
 * (it writes them at least every LOG_FLUSH_MS): for a check that a line is absent, or present in
 * one service of several.
 */
export async function settledOutput(service: Service): Promise<string> {
  await new Promise((r) => setTimeout(r, 3 * LOG_FLUSH_MS));
  return service.output();
}

/** Resolves once the service has logged `text`. */
export async function waitForLog(service: Service, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (service.output().includes(text)) return;
    if (service.child.exitCode !== null) throw new Error(`service exited:\n${service.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for "${text}":\n${service.output()}`);
}

/** What the services of a test file share: its database, Redis, queue prefix, storage and signing key. */
export function testEnv(): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL as string,
    REDIS_URL: process.env.REDIS_URL as string,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
    STORAGE_DIR: process.env.STORAGE_DIR as string,
    JWT_SECRET: process.env.JWT_SECRET as string,
  };
}

export interface Stack {
  api: Service;
  worker: Service;
  /** The API's origin, `http://127.0.0.1:<port>`. */
  base: string;
  stop(): Promise<void>;
}

/** Inside every caller's 90 s set-up hook, which also seeds the database. */
const STACK_STARTUP_MS = 60_000;

/** The API on a free port and a worker process, both started as production runs them, and up. */
export async function startStack(extra: Record<string, string> = {}): Promise<Stack> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Tests poll these stacks from 127.0.0.1 while the worker runs real jobs; on a slow machine that
  // passed the default 100 calls a minute (429). The rate limit's own tests set theirs (replicas).
  const env = { ...testEnv(), RATE_LIMIT_PER_MINUTE: "100000", ...extra };
  const api = startService("api", { ...env, PORT: String(port) });
  const worker = startService("worker", env);
  try {
    await Promise.all([
      waitFor(`${base}/health`, api, STACK_STARTUP_MS),
      waitForLog(worker, "Sira worker started", STACK_STARTUP_MS),
    ]);
  } catch (error) {
    // A stack that did not come up must not linger: its worker would take later tests' jobs.
    await Promise.all([api.stop("SIGKILL"), worker.stop("SIGKILL")]);
    throw error;
  }
  return {
    api,
    worker,
    base,
    stop: async () => {
      await Promise.all([api.stop(), worker.stop()]);
    },
  };
}
