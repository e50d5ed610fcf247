/**
 * What one tRPC request may ask for. A batch (`/trpc/a,b,c?batch=1`) holds at most a few calls,
 * and never a sign-in call next to another: one request must not carry many code guesses.
 */
import { AppError } from "@sira/contracts";
import type { TRPCRequestInfo } from "@trpc/server/http";

export const TRPC_ENDPOINT = "/trpc";
/** Also stated in BATCH_TOO_LARGE's message. */
export const MAX_BATCH_CALLS = 10;

/**
 * The procedure calls a request asks for, read from its URL as tRPC reads it, so the rate limiter
 * can count each call before tRPC runs any.
 */
export function trpcCallCount(requestUrl: string | URL): number {
  // Most requests are not tRPC calls: no URL object for them (a /trpc/ path is in the URL text).
  if (typeof requestUrl === "string" && !requestUrl.includes(`${TRPC_ENDPOINT}/`)) return 1;
  const url = typeof requestUrl === "string" ? new URL(requestUrl) : requestUrl;
  if (!url.pathname.startsWith(`${TRPC_ENDPOINT}/`) || url.searchParams.get("batch") !== "1") return 1;
  let path = url.pathname.slice(TRPC_ENDPOINT.length + 1);
  try {
    path = decodeURIComponent(path);
  } catch {
    return 1; // tRPC refuses a badly encoded path without running anything
  }
  return path.split(",").length;
}

/**
 * Why a request's batch is refused, from what tRPC parsed of it; null when it may run. tRPC's own
 * `maxBatchSize` refuses before the context exists, so its answer could carry neither our code nor
 * the request's language: this check runs in the context instead, still before any procedure.
 * A batch of one is a plain call (httpBatchLink sends single calls that way).
 */
export function batchRefusal(info: Pick<TRPCRequestInfo, "isBatchCall" | "calls">): AppError | null {
  if (!info.isBatchCall || info.calls.length <= 1) return null;
  if (info.calls.length > MAX_BATCH_CALLS) return new AppError("BATCH_TOO_LARGE");
  if (info.calls.some((call) => call.path === "auth" || call.path.startsWith("auth."))) {
    return new AppError("AUTH_NOT_BATCHABLE");
  }
  return null;
}
