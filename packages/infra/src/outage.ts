/**
 * Errors that mean "PostgreSQL or Redis cannot be reached right now", told apart from bugs: the API
 * answers them 503 with Retry-After (the client retries, nothing half-done is acknowledged), and
 * the worker logs them as an outage instead of a failure. Driver details (Prisma codes, the pg
 * adapter's error kinds, SQLSTATEs, ioredis messages) are known here only.
 */

export type Dependency = "postgres" | "redis";

/** Thrown by our own checks that refuse to wait for a dependency known to be down. */
export class DependencyUnavailableError extends Error {
  override name = "DependencyUnavailableError";
  constructor(
    readonly dependency: Dependency,
    message = `${dependency} is unavailable`,
  ) {
    super(message);
  }
}

/** Prisma: can't reach the server, timed out reaching it, operations timed out, connection closed. */
const PRISMA_UNREACHABLE = new Set(["P1001", "P1002", "P1008", "P1017"]);
/** The pg adapter's kinds for a server that is not there (TooManyConnections: a restart's backlog). */
const ADAPTER_UNREACHABLE = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** SQLSTATEs of a server shutting down, restarting or refusing connections (class 08: connection). */
const SERVER_GOING = new Set(["57P01", "57P02", "57P03", "53300"]);
/** node-postgres' own messages when the socket goes away under a client. */
const PG_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
]);

/** ioredis (and BullMQ, which reuses them) when the connection is down or a command could not be sent. */
const REDIS_MESSAGES = new Set([
  "Connection is closed.",
  "Command timed out",
  "Stream isn't writeable and enableOfflineQueue options is false",
  "Command aborted due to connection close",
]);
/** Redis replies of a server that is loading its data, failing over, or read-only for now. */
const REDIS_REPLIES = /^(LOADING|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN)\b/;

interface Inspectable {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

function postgresCode(code: unknown): boolean {
  return typeof code === "string" && (code.startsWith("08") || SERVER_GOING.has(code));
}

function classify(error: Inspectable): Dependency | null {
  if (error instanceof DependencyUnavailableError) return error.dependency;
  const { name, code, message } = error;
  if (typeof code === "string" && PRISMA_UNREACHABLE.has(code)) return "postgres";
  // The pg adapter's mapped error (Prisma's meta.driverAdapterError.cause), or a pg DatabaseError.
  if (typeof error.kind === "string") {
    if (ADAPTER_UNREACHABLE.has(error.kind)) return "postgres";
    if (error.kind === "postgres" && postgresCode(code)) return "postgres";
  }
  if (typeof error.severity === "string" && postgresCode(code)) return "postgres";
  if (typeof message !== "string") return null;
  if (PG_MESSAGES.has(message)) return "postgres";
  if (name === "MaxRetriesPerRequestError" || REDIS_MESSAGES.has(message)) return "redis";
  if (name === "ReplyError" && REDIS_REPLIES.test(message)) return "redis";
  return null;
}

/**
 * Which dependency `error` says is unreachable (looking through causes and Prisma's wrapped driver
 * error), or null when it is any other error.
 */
export function unavailableDependency(error: unknown): Dependency | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const candidate = current as Inspectable;
    const found =
      classify(candidate) ??
      (candidate.meta?.driverAdapterError?.cause
        ? classify(candidate.meta.driverAdapterError.cause as Inspectable)
        : null);
    if (found) return found;
    current = candidate.cause;
  }
  return null;
}

/** Socket errors of a connection whose server went away or cannot be reached. */
const SOCKET_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

/**
 * Whether `error` is a socket error of a connection that could not be made or was cut. Which server
 * it was is for the caller to know (e.g. the worker's own Redis connections).
 */
export function isSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && SOCKET_ERRORS.has(code);
}
