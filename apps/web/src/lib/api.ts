/** REST calls from the page, same-origin (proxy.ts forwards /api/v1), signed and in the page's language. */

import { ApiError, readProblem } from "./problem";
import { authedFetch } from "./session";

export function pageLanguage(): string {
  return typeof document === "undefined" ? "fr" : document.documentElement.lang || "fr";
}

export function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: "application/json", "accept-language": pageLanguage(), ...extra };
}

/** A JSON call; a problem answer throws ApiError, a network failure throws TypeError. */
export async function apiJson<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await authedFetch(path, {
    method: init.method ?? "GET",
    headers: apiHeaders({
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!res.ok) throw new ApiError(await readProblem(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
