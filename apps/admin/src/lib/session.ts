/**
 * The access token lives in this module's memory only (never in storage); the refresh token is in
 * an httpOnly cookie that only the console's /api/auth routes see (decision 0062).
 */
export type Role = "learner" | "expert" | "admin";
export interface SessionUser {
  id: string;
  role: Role;
  preferred_language: "fr" | "en";
}
export interface SessionAnswer {
  access_token: string;
  expires_in: number;
  user: SessionUser;
}

let accessToken: string | null = null;
let pending: Promise<SessionAnswer | null> | null = null;
const listeners = new Set<(answer: SessionAnswer | null) => void>();

export function currentToken(): string | null {
  return accessToken;
}

/** Keeps a fresh session's token and tells the provider. */
export function adopt(answer: SessionAnswer | null): void {
  accessToken = answer?.access_token ?? null;
  for (const listener of listeners) listener(answer);
}

export function onSession(listener: (answer: SessionAnswer | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Trades the refresh cookie for a new access token; concurrent callers share one request. */
export function refreshSession(): Promise<SessionAnswer | null> {
  pending ??= (async () => {
    try {
      const res = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
        credentials: "same-origin",
      });
      const body = (await res.json().catch(() => null)) as (SessionAnswer & { signed_in?: false }) | null;
      const answer = res.ok && body?.access_token ? body : null;
      adopt(answer);
      return answer;
    } catch {
      return null;
    } finally {
      pending = null;
    }
  })();
  return pending;
}

export async function signOut(): Promise<void> {
  const token = accessToken;
  await fetch("/api/auth/logout", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: "{}",
    credentials: "same-origin",
  }).catch(() => null);
  adopt(null);
}

/** fetch with the access token; one refresh and retry when the API says the token is no longer good. */
export async function authedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const send = () => {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set("authorization", `Bearer ${accessToken}`);
    return fetch(input, { ...init, headers });
  };
  const res = await send();
  if (res.status !== 401 || !accessToken) return res;
  const renewed = await refreshSession();
  return renewed ? send() : res;
}
