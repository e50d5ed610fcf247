/** Structured logging. Secrets and PII are redacted by path before anything is written. */
import { isMainThread } from "node:worker_threads";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import { loadConfig } from "./config.ts";
import { requestLogMixin } from "./request-scope.ts";

export type { Logger };

const redactPaths = [
  "password",
  "token",
  "secret",
  "code",
  "*.password",
  "*.token",
  "*.secret",
  "*.totp",
  "*.code",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
];

/** A logger writing JSON lines to stdout, or to `destination` (a test reading what was logged). */
export function createLogger(name: string, level = loadConfig().LOG_LEVEL, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: "[redacted]" },
    // A job a request enqueued logs that request's id on every line, whichever logger writes it.
    ...requestLogMixin,
  };
  return pino(options, destination ?? stdout());
}

let shared: DestinationStream | undefined;

/** Most milliseconds a logged line waits in the buffer before it is written. */
export const LOG_FLUSH_MS = 100;

/**
 * Standard output, written off the main thread and in batches: lines gather until 4 KiB or
 * LOG_FLUSH_MS have passed, then leave in one write, instead of one write(2) per line on the
 * request path (a write costs more than the rest of the access line; decision 0054). Whatever is
 * still buffered is written synchronously on exit; a SIGKILL loses at most LOG_FLUSH_MS of lines.
 */
function stdout(): DestinationStream {
  // A worker thread has no exit hook to flush with: it writes synchronously, line by line.
  shared ??= isMainThread
    ? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS })
    : pino.destination({ dest: 1, sync: true });
  return shared;
}

let root: Logger | undefined;

/** The process's root logger; children carry a request or job id. */
export function logger(): Logger {
  root ??= createLogger(process.env.SIRA_SERVICE ?? "sira");
  return root;
}
