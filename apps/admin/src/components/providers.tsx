"use client";
/** Query cache, the typed tRPC client and the signed-in session, for every page. */
import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useLocale } from "next-intl";
import { createContext, type ReactNode, useContext, useRef, useState } from "react";
import { makeTrpcClient, problemOf, TRPCProvider } from "@/lib/trpc";
import { AuthProvider } from "./auth";
import { NoticeProvider } from "./notice";

const ApiUrlContext = createContext("");

/** Where the browser reaches the API (for the uploads that go around tRPC). */
export function useApiUrl(): string {
  return useContext(ApiUrlContext);
}

export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const locale = useLocale();
  const language = useRef(locale);
  language.current = locale;
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            refetchOnWindowFocus: false,
            // A refusal (4xx) is an answer, not a glitch: only network failures and 5xx are retried.
            retry: (count, error) => {
              const status = problemOf(error)?.status ?? 0;
              return count < 2 && (status === 0 || status >= 500);
            },
          },
        },
        mutationCache: new MutationCache(),
      }),
  );
  const [trpcClient] = useState(() => makeTrpcClient(apiUrl, () => language.current));
  return (
    <ApiUrlContext.Provider value={apiUrl}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <NoticeProvider>
            <AuthProvider>{children}</AuthProvider>
          </NoticeProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </ApiUrlContext.Provider>
  );
}
