"use client";
/**
 * The query cache and the typed tRPC client, for the pages whose interactive part calls the API
 * through tRPC (quiz, tutor, profile, credits, sign-up...). Pages that only read server-rendered
 * content do not load it.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { makeTrpcClient, problemOf, TRPCProvider } from "@/lib/trpc";

export function TrpcProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // A refusal (4xx) is an answer, not a glitch: only network failures and 5xx are retried.
            retry: (count, error) => {
              const status = problemOf(error).status;
              return count < 2 && (status === 0 || status >= 500);
            },
          },
        },
      }),
  );
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
