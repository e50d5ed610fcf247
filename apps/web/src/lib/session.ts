/**
 * The access token lives in this module's memory only (never in storage); the refresh token is in
 * an httpOnly cookie that only the app's /api/auth routes use (decision 0063). A page asks for a
 * token when it first needs one, not on every load.
 */
export interface SessionUser {
  id: string;
  role: "learner" | "expert" | "admin";
  preferred_language: "fr" | "en";
}
export interface SessionAnswer {
  access_token: string;
  expires_in: number;
  user: SessionUser;
}

let accessToken: string | null = null;
let userId: string | null = null;
let expiresAt = 0;
let pending: Promise<SessionAnswer | null> | null = null;
/** The refresh cookie was missing or spent: no point asking again until someone signs in. */
let signedOut = false;
const listeners = new Set<(answer: SessionAnswer | null) => void>();

const OWNER_CACHE = "sira-owner";
const OWNER_KEY = "/owner";

async function dropCaches(): Promise<void> {
  if (!("caches" in globalThis)) return;
  for (const name of await caches.keys()) if (name.startsWith("sira-")) await caches.delete(name);
}

/**
 * The service worker keeps pages and API answers by URL, whoever asked for them. They stay only
 * while the sessions on this phone are one learner's: a session of another (the last one lapsed
 * or was ended elsewhere, without a sign-out here) starts with none of them.
 */
export async function claimCaches(user: string): Promise<void> {
  if (!("caches" in globalThis)) return;
  const owner = await (await caches.open(OWNER_CACHE)).match(OWNER_KEY);
  if (owner && (await owner.text()) === user) return;
  await dropCaches();
  await (await caches.open(OWNER_CACHE)).put(OWNER_KEY, new Response(user));
}

/** Keeps a fresh session's token and tells whoever listens. */
export function adopt(answer: SessionAnswer | null): void {
  if (answer && answer.user.id !== userId) void claimCaches(answer.user.id).catch(() => undefined);
  accessToken = answer?.access_token ?? null;
  userId = answer?.user.id ?? null;
  signedOut = answer === null;
  expiresAt = answer ? Date.now() + (answer.expires_in - 30) * 1000 : 0;
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
      // The session lapsed or was ended elsewhere: what it kept goes, as at a sign-out (the worker
      // also sees its marker cookie gone; this covers browsers whose workers cannot read cookies).
      if (res.ok && body?.signed_in === false) await dropCaches().catch(() => undefined);
      return answer;
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/** Whose token this page holds (null until one was asked for, or when signed out). */
export function sessionUserId(): string | null {
  return userId;
}

/** A usable access token: the one in memory while it lives, else a refreshed one (null when signed out). */
export async function accessTokenNow(): Promise<string | null> {
  if (accessToken && Date.now() < expiresAt) return accessToken;
  if (signedOut) return null;
  return (await refreshSession())?.access_token ?? null;
}

/** Ends the session; false when that failed (offline): then nothing is cleared, the learner is still signed in. */
export async function signOut(): Promise<boolean> {
  const res = await fetch("/api/auth/logout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
    credentials: "same-origin",
  }).catch(() => null);
  if (!res?.ok) return false;
  adopt(null);
  // What this learner opened stays on this phone otherwise.
  await dropCaches();
  return true;
}

/** fetch with the access token; one refresh and retry when the API says the token is no longer good. */
export async function authedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const send = async (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  // Offline, no token can be had: a read may still be answered by the service worker's copy.
  const token = await accessTokenNow().catch(() => null);
  const res = await send(token);
  if (res.status !== 401 || !token) return res;
  const renewed = await refreshSession();
  return renewed ? send(renewed.access_token) : res;
}
