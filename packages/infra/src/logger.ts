/** Structured logging. Secrets and PII are redacted by path before anything is written. */
import { type Logger, pino } from "pino";
import { loadConfig } from "./config.ts";

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

export function createLogger(name: string, level = loadConfig().LOG_LEVEL): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: "[redacted]" },
  });
}

let root: Logger | undefined;

/** The process's root logger; children carry a request or job id. */
export function logger(): Logger {
  root ??= createLogger(process.env.SIRA_SERVICE ?? "sira");
  return root;
}
