/**
 * The console's server side talks to the API for sign-in, refresh and sign-out only: the refresh
 * token lives in an httpOnly cookie that the browser's code never reads (decision 0062).
 */
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE } from "@/i18n/locale";

/** Where the Next server reaches the API (may be an internal address). */
export function apiUrl(): string {
  return (process.env.SIRA_API_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
}

/** Where the browser reaches the API (CORS must allow the console's origin there). */
export function publicApiUrl(): string {
  return (process.env.SIRA_API_PUBLIC_URL ?? process.env.SIRA_API_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
}

/**
 * `__Secure-` makes the browser refuse the cookie unless it is Secure; its path keeps it off every
 * request but the three auth routes.
 */
export const REFRESH_COOKIE = "__Secure-sira-admin-refresh";
const COOKIE_PATH = "/api/auth";

export interface TokenPair {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_at: string;
  user: { id: string; role: "learner" | "expert" | "admin"; preferred_language: "fr" | "en" };
}

/** What the browser gets: the access token and who signed in, never the refresh token. */
export interface SessionAnswer {
  access_token: string;
  expires_in: number;
  user: TokenPair["user"];
}

export function languageOf(req: NextRequest): "fr" | "en" {
  const stored = req.cookies.get(LOCALE_COOKIE)?.value;
  return isLocale(stored) ? stored : DEFAULT_LOCALE;
}

/** A JSON POST to the API on behalf of the browser that made `req`. */
export function callApi(req: NextRequest, path: string, body: unknown, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "accept-language": languageOf(req),
  };
  const agent = req.headers.get("user-agent");
  if (agent) headers["user-agent"] = agent;
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  return fetch(`${apiUrl()}${path}`, { method: "POST", headers, body: JSON.stringify(body), cache: "no-store" });
}

/**
 * Same-origin check for the auth routes: SameSite=Strict already keeps the cookie off cross-site
 * requests; this also refuses a cross-site sign-in or sign-out.
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

export function problem(status: number, code: string, detail: string): NextResponse {
  return NextResponse.json(
    { type: "about:blank", title: code, status, code, detail },
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } },
  );
}

/** Passes an API problem through unchanged (its detail is already in the request's language). */
export async function relayProblem(res: Response): Promise<NextResponse> {
  const text = await res.text();
  return new NextResponse(text, {
    status: res.status,
    headers: {
      "content-type": res.headers.get("content-type") ?? "application/problem+json",
      "cache-control": "no-store",
      ...(res.headers.get("retry-after") ? { "retry-after": res.headers.get("retry-after") as string } : {}),
    },
  });
}

/** The answer that hands the access token to the page and keeps the refresh token in the cookie. */
export function sessionResponse(pair: TokenPair): NextResponse {
  const body: SessionAnswer = { access_token: pair.access_token, expires_in: pair.expires_in, user: pair.user };
  const res = NextResponse.json(body, { headers: { "cache-control": "no-store" } });
  res.cookies.set(REFRESH_COOKIE, pair.refresh_token, {
    httpOnly: true,
    secure: true,
    sameSite: "strict",
    path: COOKIE_PATH,
    expires: new Date(pair.refresh_expires_at),
  });
  return res;
}

export function clearSession(res: NextResponse): NextResponse {
  res.cookies.set(REFRESH_COOKIE, "", {
    httpOnly: true,
    secure: true,
    sameSite: "strict",
    path: COOKIE_PATH,
    maxAge: 0,
  });
  return res;
}
