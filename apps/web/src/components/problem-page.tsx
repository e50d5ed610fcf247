/** Server-side loads through tRPC: an API refusal becomes a problem the page shows in the learner's language. */
import { TRPCClientError } from "@trpc/client";
import { getTranslations } from "next-intl/server";
import type { Problem } from "@/lib/problem";
import { Alert } from "./ui";

export type Loaded<T> = { value: T; problem?: undefined } | { value?: undefined; problem: Problem };

export async function loadOrProblem<T>(load: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { value: await load() };
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = (error.data ?? {}) as { code?: string; httpStatus?: number; retry_after?: number };
      return {
        problem: {
          code: data.code ?? "UNKNOWN",
          message: error.message,
          status: data.httpStatus ?? 500,
          fields: {},
          extra: data as Record<string, unknown>,
          ...(data.retry_after !== undefined ? { retryAfter: data.retry_after } : {}),
        },
      };
    }
    throw error;
  }
}

export async function ProblemPage({ problem }: { problem: Problem }) {
  const t = await getTranslations("errors");
  // Transient: the service worker never keeps it over a good copy of the page (sw.ts).
  return (
    <div data-transient="1">
      <Alert>
        <p>{problem.message || (t.has(problem.code) ? t(problem.code) : t("UNKNOWN"))}</p>
      </Alert>
    </div>
  );
}
