/** The typed tRPC client: the router's type comes from the API's types-only entry (decision 0036). */
import type { AppRouter } from "@sira/api/router";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { pageLanguage } from "./api";
import { ApiError, fieldsOf, NETWORK_PROBLEM, type Problem } from "./problem";
import { authedFetch } from "./session";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Same-origin `/trpc` (proxy.ts forwards it). Sign-in calls may not share a batch with others
 * (the API refuses it), so `auth.*` goes alone; the rest is batched up to the API's limit of ten.
 */
export function makeTrpcClient() {
  const common = {
    url: "/trpc",
    headers: () => ({ "accept-language": pageLanguage() }),
    fetch: (url: RequestInfo | URL, init?: RequestInit) => authedFetch(url, init),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.path.startsWith("auth."),
        true: httpLink({ ...common, fetch: (url, init) => fetch(url, init as RequestInit) }),
        false: httpBatchLink({ ...common, maxItems: 10 }),
      }),
    ],
  });
}

/** A tRPC or REST failure as a Problem: tRPC carries the API's code, status and field errors in its data. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      code?: string;
      httpStatus?: number;
      errors?: { field: string; message: string }[];
    };
    if (!data.code) return NETWORK_PROBLEM;
    return {
      code: data.code,
      message: error.message,
      status: data.httpStatus ?? 0,
      fields: fieldsOf(data.errors),
      extra: data as Record<string, unknown>,
    };
  }
  return NETWORK_PROBLEM;
}
