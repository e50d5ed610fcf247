/** problem+json (RFC 9457): the single shape of every error answer. */
import { AppError, type ErrorCode, type FieldError, type Language, problemBody } from "@sira/contracts";
import { unavailableDependency } from "@sira/infra";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError, type z } from "zod";
import type { AppEnv } from "../app-types.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function fieldErrorsFromZod(error: z.ZodError, language: Language): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === "unrecognized_keys") {
      // One entry per unknown key, so a client can point at each one.
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join("."),
        code: issue.code,
        message: language === "fr" ? "Champ non autorisé." : "Field not allowed.",
      }));
    }
    return [
      {
        field: issue.path.join(".") || "(body)",
        code: issue.code,
        message: language === "fr" ? frenchIssue(issue) : issue.message,
      },
    ];
  });
}

function frenchIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "Champ requis." : `Type invalide : ${issue.expected} attendu.`;
    case "too_small":
      return `Valeur trop petite (minimum ${String(issue.minimum)}).`;
    case "too_big":
      return `Valeur trop grande (maximum ${String(issue.maximum)}).`;
    case "invalid_format":
      return `Format invalide (${issue.format}).`;
    case "invalid_value":
      return `Valeur invalide : attendu ${issue.values.map(String).join(", ")}.`;
    case "unrecognized_keys":
      return `Champs non autorisés : ${issue.keys.join(", ")}.`;
    case "custom": {
      // A refinement may carry its French text beside its (English) message.
      const fr = (issue.params as { fr?: unknown } | undefined)?.fr;
      return typeof fr === "string" ? fr : "Valeur invalide.";
    }
    default:
      return "Valeur invalide.";
  }
}

/** Prisma's codes for "no connection or transaction in time": the database is saturated, not broken. */
const SATURATED = new Set(["P2024", "P2028"]);
/** pg-pool's own refusal, which reaches a query outside a transaction unwrapped. */
const POOL_WAIT_TIMEOUT = "timeout exceeded when trying to connect";

function isSaturation(error: unknown): boolean {
  if (SATURATED.has((error as { code?: unknown } | null)?.code as string)) return true;
  return error instanceof Error && error.message === POOL_WAIT_TIMEOUT;
}

/**
 * Seconds a client waits before retrying while PostgreSQL or Redis is down: long enough not to spend
 * a phone's data on refusals, short enough that it is back soon after the dependency (decision 0061).
 */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Any thrown value as an AppError; unknown errors become INTERNAL (a bug, logged as such). */
export function toAppError(error: unknown, language: Language): AppError {
  if (error instanceof AppError) return error;
  if (isSaturation(error)) {
    // Load shedding: the client retries after a moment, nothing was written.
    return new AppError("SERVICE_UNAVAILABLE", { retryAfterSeconds: 2, cause: error });
  }
  if (unavailableDependency(error)) {
    // An outage, not a bug: nothing was acknowledged, and the same request succeeds once it is back.
    return new AppError("SERVICE_UNAVAILABLE", { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS, cause: error });
  }
  if (error instanceof ZodError) {
    return new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsFromZod(error, language) });
  }
  if (error instanceof HTTPException) {
    const code = codeForStatus(error.status);
    return new AppError(code, { cause: error });
  }
  return new AppError("INTERNAL", { cause: error });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return "MALFORMED_JSON";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 405) return "METHOD_NOT_ALLOWED";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 415) return "UNSUPPORTED_MEDIA_TYPE";
  if (status === 429) return "RATE_LIMITED";
  if (status === 503) return "SERVICE_UNAVAILABLE";
  return status >= 500 ? "INTERNAL" : "VALIDATION_FAILED";
}

/** The Response for an error, in the request's language. */
export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const lang = c.get("lang") ?? "fr";
  const body = problemBody(error, lang, c.get("requestId"), new URL(c.req.url).pathname);
  const headers: Record<string, string> = { "content-type": PROBLEM_CONTENT_TYPE, "content-language": lang };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  // RFC 9110 §15.5.17: a 416 names the representation's length.
  const length = error.extensions?.complete_length;
  if (error.code === "RANGE_NOT_SATISFIABLE" && typeof length === "number")
    headers["content-range"] = `bytes */${length}`;
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, headers);
}

/** Hono's onError: logs 5xx as bugs, answers every error as problem+json. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  const appError = toAppError(error, c.get("lang") ?? "fr");
  const log = c.get("log");
  const dependency = unavailableDependency(error);
  if (dependency) log?.warn({ dependency, err: (error as Error).message }, "dependency unavailable: answered 503");
  else if (appError.code === "SERVICE_UNAVAILABLE")
    log?.warn({ err: error }, "load shed: no database connection in time");
  else if (appError.status >= 500) log?.error({ err: error }, "unhandled error");
  else log?.debug({ code: appError.code }, "request refused");
  return problemResponse(c, appError);
}
