/**
 * tRPC's context and procedure builders. Errors leave with the same stable `code` as REST
 * problems, a message in the request's language, and the invalid fields named.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AppError, type FieldError, type Language } from "@sira/contracts";
import { unavailableDependency } from "@sira/infra";
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { callerContext, publicContext, type RequestFacts } from "../caller.ts";
import { withDatabaseRole } from "../http/auth.ts";
import { toAppError } from "../http/problem.ts";

/** What tRPC's createContext gives every call: the request's facts, as REST routes have them. */
export interface TrpcContext extends RequestFacts {
  /** Set when the request's batch is refused (see batch.ts): every call in it fails with this. */
  refusal?: AppError;
}

/**
 * The request's language and id while tRPC handles it (handler.ts), for the errors tRPC raises
 * before it builds the context: a refused content type, method, path or batch.
 */
export const trpcRequest = new AsyncLocalStorage<Pick<TrpcContext, "lang" | "requestId">>();

function trpcCodeFor(status: number): TRPC_ERROR_CODE_KEY {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 402:
      return "PAYMENT_REQUIRED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_SUPPORTED";
    case 409:
      return "CONFLICT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 422:
      return "UNPROCESSABLE_CONTENT";
    case 423:
      return "FORBIDDEN";
    case 429:
      return "TOO_MANY_REQUESTS";
    case 503:
      return "SERVICE_UNAVAILABLE";
    default:
      return "INTERNAL_SERVER_ERROR";
  }
}

/** The AppError behind a tRPC error: domain errors, input validation, or an unexpected bug. */
function appErrorOf(error: TRPCError, lang: Language): AppError {
  const cause = error.cause as (Error & { issues?: unknown }) | undefined;
  if (cause instanceof AppError) return cause;
  if (cause instanceof ZodError) return toAppError(cause, lang);
  if (error.code === "BAD_REQUEST" && cause && Array.isArray(cause.issues)) {
    const fieldErrors: FieldError[] = (cause.issues as { path?: PropertyKey[]; code?: string; message: string }[]).map(
      (i) => ({
        field: (i.path ?? []).map(String).join(".") || "(input)",
        code: i.code ?? "invalid",
        message: i.message,
      }),
    );
    return new AppError("VALIDATION_FAILED", { fieldErrors });
  }
  // tRPC's own refusals of a malformed request: a mixed batch, batch input that is no object, a badly encoded path.
  if (error.code === "BAD_REQUEST") return new AppError("VALIDATION_FAILED");
  if (error.code === "PARSE_ERROR") return new AppError("MALFORMED_JSON");
  if (error.code === "NOT_FOUND" && !cause) return new AppError("ROUTE_NOT_FOUND");
  if (error.code === "METHOD_NOT_SUPPORTED") return new AppError("METHOD_NOT_ALLOWED");
  if (error.code === "UNSUPPORTED_MEDIA_TYPE") return new AppError("UNSUPPORTED_MEDIA_TYPE");
  if (error.code === "PAYLOAD_TOO_LARGE") return new AppError("PAYLOAD_TOO_LARGE");
  return toAppError(cause ?? error, lang);
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const facts = ctx ?? trpcRequest.getStore();
    const lang = facts?.lang ?? "fr";
    const appError = appErrorOf(error, lang);
    return {
      ...shape,
      message: appError.detail(lang),
      data: {
        code: appError.code,
        httpStatus: appError.status,
        path: shape.data.path,
        request_id: facts?.requestId,
        ...(appError.fieldErrors ? { errors: appError.fieldErrors } : {}),
        ...(appError.retryAfterSeconds !== undefined ? { retry_after: appError.retryAfterSeconds } : {}),
        ...appError.extensions,
      },
    };
  },
});

/** Domain errors and outages (503) keep their HTTP status through tRPC instead of becoming 500s. */
const mapAppErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const { cause } = result.error;
  const appError =
    cause instanceof AppError ? cause : unavailableDependency(cause) ? toAppError(cause, ctx.lang ?? "fr") : null;
  if (appError) throw new TRPCError({ code: trpcCodeFor(appError.status), message: appError.message, cause: appError });
  return result;
});

/** A refused batch stops each of its calls before any input is parsed or any procedure runs. */
const refuseBatch = t.middleware(({ ctx, next }) => {
  if (ctx.refusal) throw ctx.refusal;
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Any caller: the context carries the request's meta (see caller.ts). */
export const publicProcedure = t.procedure
  .use(mapAppErrors)
  .use(refuseBatch)
  .use(({ ctx, next }) => next({ ctx: publicContext(ctx) }));

/** Requires a signed-in caller: the context is the caller context REST routes get from `requireRole`. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: callerContext(ctx) }));

/** Requires an expert or an admin, as the database has the role now (not as the token says). */
export const expertProcedure = authedProcedure.use(async ({ ctx, next }) =>
  next({ ctx: callerContext({ ...ctx, actor: await withDatabaseRole(ctx.deps, ctx.actor, ["expert", "admin"]) }) }),
);

/** Requires an admin, as the database has the role now (not as the token says). */
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) =>
  next({ ctx: callerContext({ ...ctx, actor: await withDatabaseRole(ctx.deps, ctx.actor, ["admin"]) }) }),
);
