/** The typed tRPC client: the router's type comes from the API's types-only entry (decision 0036). */
import type { AppRouter } from "@sira/api/router";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { authedFetch } from "./session";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiClient = ReturnType<typeof makeTrpcClient>;

/**
 * Sign-in calls may not share a batch with others (the API refuses it), so `auth.*` goes alone;
 * the rest is batched up to the API's limit of ten calls.
 */
export function makeTrpcClient(apiUrl: string, language: () => string) {
  const common = {
    url: `${apiUrl}/trpc`,
    headers: () => ({ "accept-language": language() }),
    fetch: (url: RequestInfo | URL, init?: RequestInit) => authedFetch(url, init),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.path.startsWith("auth."),
        true: httpLink(common),
        false: httpBatchLink({ ...common, maxItems: 10 }),
      }),
    ],
  });
}

/** The API's problem as tRPC carries it: a stable code, a message in the request's language, field errors. */
export interface ApiProblem {
  code: string;
  message: string;
  status: number;
  fields: Record<string, string>;
}

export function problemOf(error: unknown): ApiProblem | null {
  if (!error) return null;
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      code?: string;
      httpStatus?: number;
      errors?: { field: string; message: string }[];
    };
    const fields: Record<string, string> = {};
    for (const e of data.errors ?? []) fields[e.field] = e.message;
    return { code: data.code ?? "UNKNOWN", message: error.message, status: data.httpStatus ?? 0, fields };
  }
  if (typeof error === "object" && error && "code" in error && "detail" in error) {
    const p = error as { code: string; detail: string; status?: number; errors?: { field: string; message: string }[] };
    const fields: Record<string, string> = {};
    for (const e of p.errors ?? []) fields[e.field] = e.message;
    return { code: p.code, message: p.detail, status: p.status ?? 0, fields };
  }
  return { code: "NETWORK", message: error instanceof Error ? error.message : String(error), status: 0, fields: {} };
}
