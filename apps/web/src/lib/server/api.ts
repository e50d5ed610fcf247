/**
 * The app's server side and the API. The browser reaches the API through this origin (proxy.ts
 * forwards /api/v1 and /trpc), so no request pays a CORS preflight round trip on 2G. Sign-in,
 * refresh and sign-out go through the /api/auth route handlers, which keep the refresh token in an
 * httpOnly cookie the page's code never reads (decision 0063).
 */
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { LOCALE_COOKIE, type Locale, resolveLocale } from "@/i18n/locale";
import { SESSION_MARKER } from "@/lib/session-marker";
import { secureCookies } from "./cookies";

/** Where the Next server reaches the API (read per request, so one build serves any address). */
export function apiUrl(): string {
  return (process.env.SIRA_API_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
}

/** The refresh token: httpOnly, sent to this origin only, never readable by the page. */
export const REFRESH_COOKIE = "sira_rt";
/**
 * A copy of the short-lived access token for the server's own renders (a lesson is readable before
 * any JavaScript runs) and for the bytes of images and audio, which `<img>` and `<audio>` fetch
 * without headers. httpOnly as well: the page's code holds its token in memory only.
 */
export const ACCESS_COOKIE = "sira_at";

export interface TokenPair {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_at: string;
  user: { id: string; role: "learner" | "expert" | "admin"; preferred_language: Locale };
}

/** What the browser gets: the access token and who signed in, never the refresh token. */
export interface SessionAnswer {
  access_token: string;
  expires_in: number;
  user: TokenPair["user"];
}

export function languageOf(req: NextRequest): Locale {
  return resolveLocale(req.cookies.get(LOCALE_COOKIE)?.value, req.headers.get("accept-language"));
}

/** A JSON call to the API on behalf of the browser that made `req`. */
export function callApi(
  req: NextRequest,
  path: string,
  body: unknown,
  init: { accessToken?: string; method?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "accept-language": languageOf(req),
  };
  const agent = req.headers.get("user-agent");
  if (agent) headers["user-agent"] = agent;
  const forwarded = req.headers.get("x-forwarded-for");
  if (forwarded) headers["x-forwarded-for"] = forwarded;
  if (init.accessToken) headers.authorization = `Bearer ${init.accessToken}`;
  return fetch(`${apiUrl()}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
}

/**
 * The auth routes answer only this origin's pages: SameSite already keeps the cookies off
 * cross-site requests, and this also refuses a cross-site sign-in or sign-out.
 */
export function sameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return req.headers.get("sec-fetch-site") !== "cross-site";
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const NO_STORE = { "cache-control": "no-store" };

/** A problem+json answer of the app's own (its detail already in the learner's language). */
export function problem(status: number, code: string, detail: string): NextResponse {
  return NextResponse.json(
    { type: "about:blank", title: code, status, code, detail },
    { status, headers: { "content-type": "application/problem+json", ...NO_STORE } },
  );
}

/** Passes an API problem through unchanged (its detail is already in the request's language). */
export async function relayProblem(res: Response): Promise<NextResponse> {
  const text = await res.text();
  const retryAfter = res.headers.get("retry-after");
  return new NextResponse(text, {
    status: res.status,
    headers: {
      "content-type": res.headers.get("content-type") ?? "application/problem+json",
      ...NO_STORE,
      ...(retryAfter ? { "retry-after": retryAfter } : {}),
    },
  });
}

function secure(req: NextRequest): boolean {
  return secureCookies({ protocol: req.nextUrl.protocol, forwardedProto: req.headers.get("x-forwarded-proto") });
}

/** Sets the session cookies (and the profile's language) on `res`. */
export function setSessionCookies(req: NextRequest, res: NextResponse, pair: TokenPair): NextResponse {
  const common = { httpOnly: true, secure: secure(req), sameSite: "lax" as const, path: "/" };
  const expires = new Date(pair.refresh_expires_at);
  res.cookies.set(REFRESH_COOKIE, pair.refresh_token, { ...common, expires });
  // A little short of the token's life, so the server never renders with a token about to lapse.
  res.cookies.set(ACCESS_COOKIE, pair.access_token, { ...common, maxAge: Math.max(30, pair.expires_in - 30) });
  // Lives and dies with the refresh cookie: the service worker reads it (session-marker.ts).
  res.cookies.set(SESSION_MARKER, pair.user.id, { ...common, httpOnly: false, expires });
  res.cookies.set(LOCALE_COOKIE, pair.user.preferred_language, {
    secure: secure(req),
    sameSite: "lax",
    path: "/",
    maxAge: 365 * 24 * 3600,
  });
  return res;
}

/** The answer that hands the access token to the page and keeps the refresh token in the cookie. */
export function sessionResponse(req: NextRequest, pair: TokenPair): NextResponse {
  const body: SessionAnswer = { access_token: pair.access_token, expires_in: pair.expires_in, user: pair.user };
  return setSessionCookies(req, NextResponse.json(body, { headers: NO_STORE }), pair);
}

export function clearSession(req: NextRequest, res: NextResponse): NextResponse {
  for (const name of [REFRESH_COOKIE, ACCESS_COOKIE, SESSION_MARKER]) {
    res.cookies.set(name, "", {
      httpOnly: name !== SESSION_MARKER,
      secure: secure(req),
      sameSite: "lax",
      path: "/",
      maxAge: 0,
    });
  }
  return res;
}

export function signedOut(req: NextRequest): NextResponse {
  return clearSession(req, NextResponse.json({ signed_in: false }, { headers: NO_STORE }));
}
