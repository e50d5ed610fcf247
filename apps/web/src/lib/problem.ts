/**
 * The API's errors as the page shows them: REST answers problem+json (and tRPC carries the same
 * code in its data, read by lib/trpc.ts); details are already in the request's language
 * (Accept-Language is the page's). Network failures get the app's own message. No tRPC code here:
 * pages without tRPC import this.
 */

export interface Problem {
  code: string;
  /** In the learner's language; empty for network failures (the page words those itself). */
  message: string;
  status: number;
  fields: Record<string, string>;
  retryAfter?: number;
  /** Extra members of the problem (e.g. price and balance of INSUFFICIENT_CREDITS). */
  extra: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message || problem.code);
  }
}

/** Whether a failure means "no connection" (the request never got an answer). */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof ApiError && error.problem.code === "NETWORK");
}

export function fieldsOf(errors: { field: string; message: string }[] | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const e of errors ?? []) fields[e.field] = e.message;
  return fields;
}

export const NETWORK_PROBLEM: Problem = { code: "NETWORK", message: "", status: 0, fields: {}, extra: {} };

/** A REST failure as a Problem (an ApiError's, or a network failure). */
export function restProblem(error: unknown): Problem {
  return error instanceof ApiError ? error.problem : NETWORK_PROBLEM;
}

/** Reads a problem+json answer (or any failed answer) into a Problem. */
export async function readProblem(res: Response): Promise<Problem> {
  const body = (await res.json().catch(() => null)) as
    | ({ code?: string; detail?: string; errors?: { field: string; message: string }[]; retry_after?: number } & Record<
        string,
        unknown
      >)
    | null;
  const retry = Number(res.headers.get("retry-after") ?? body?.retry_after ?? Number.NaN);
  return {
    code: body?.code ?? `HTTP_${res.status}`,
    message: body?.detail ?? "",
    status: res.status,
    fields: fieldsOf(body?.errors),
    ...(Number.isFinite(retry) ? { retryAfter: retry } : {}),
    extra: body ?? {},
  };
}
