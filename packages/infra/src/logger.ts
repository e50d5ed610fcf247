/** Structured logging. Secrets and PII are redacted by path before anything is written. */
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
  return destination ? pino(options, destination) : pino(options);
}

let root: Logger | undefined;

/** The process's root logger; children carry a request or job id. */
export function logger(): Logger {
  root ??= createLogger(process.env.SIRA_SERVICE ?? "sira");
  return root;
}
