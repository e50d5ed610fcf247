/**
 * Runs before every page and API request (decision 0063):
 * - `/api/v1/*` and `/trpc/*` are forwarded to the API, so the browser never pays a CORS preflight
 *   round trip (840 ms on EDGE) and the service worker sees same-origin answers. The calls that hand
 *   out tokens are refused here: they go through /api/auth, which keeps the refresh token in its
 *   cookie. GETs of image and audio bytes (fetched by `<img>`/`<audio>`, which send no header)
 *   carry the access cookie's token.
 * - A page asked for without a live access cookie but with a refresh cookie gets a new pair first,
 *   so the server can render the learner's lesson before any JavaScript runs.
 */
import { type NextRequest, NextResponse } from "next/server";
import { forwarding } from "@/lib/forwarding";
import {
  ACCESS_COOKIE,
  apiUrl,
  clearSession,
  REFRESH_COOKIE,
  setSessionCookies,
  type TokenPair,
} from "@/lib/server/api";
import { SERVER_TOKEN_HEADER } from "@/lib/server/header";

function forward(req: NextRequest): NextResponse {
  const { pathname, search } = req.nextUrl;
  const route = forwarding(pathname, search, apiUrl(), req.method);
  if (!route.forward) {
    return NextResponse.json(
      { type: "about:blank", title: "ROUTE_NOT_FOUND", status: 404, code: "ROUTE_NOT_FOUND", detail: pathname },
      { status: 404, headers: { "content-type": "application/problem+json" } },
    );
  }
  const headers = new Headers(req.headers);
  headers.delete("cookie");
  const access = req.cookies.get(ACCESS_COOKIE)?.value;
  if (access && !headers.has("authorization") && route.bytes) headers.set("authorization", `Bearer ${access}`);
  return NextResponse.rewrite(route.target, { request: { headers } });
}

async function renew(req: NextRequest): Promise<NextResponse> {
  const headers = new Headers(req.headers);
  headers.delete(SERVER_TOKEN_HEADER);
  const refreshToken = req.cookies.get(REFRESH_COOKIE)?.value;
  if (!refreshToken || req.cookies.has(ACCESS_COOKIE) || req.method !== "GET") {
    return NextResponse.next({ request: { headers } });
  }
  try {
    const res = await fetch(`${apiUrl()}/api/v1/auth/refresh`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": req.headers.get("user-agent") ?? "",
        "x-forwarded-for": req.headers.get("x-forwarded-for") ?? "",
      },
      body: JSON.stringify({ refresh_token: refreshToken }),
      cache: "no-store",
    });
    // A spent or revoked refresh token: forget it, rather than trying it again on every page.
    if (res.status === 401) return clearSession(req, NextResponse.next({ request: { headers } }));
    if (!res.ok) return NextResponse.next({ request: { headers } });
    const pair = (await res.json()) as TokenPair;
    headers.set(SERVER_TOKEN_HEADER, pair.access_token);
    return setSessionCookies(req, NextResponse.next({ request: { headers } }), pair);
  } catch {
    // The API is unreachable: the page renders signed out, and its script tries again.
    return NextResponse.next({ request: { headers } });
  }
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const { pathname } = req.nextUrl;
  if (pathname.startsWith("/api/v1/") || pathname === "/trpc" || pathname.startsWith("/trpc/")) return forward(req);
  return renew(req);
}

export const config = {
  matcher: [
    "/api/v1/:path*",
    "/trpc/:path*",
    // Pages only: not the app's own auth routes, build output, the service worker or public files.
    "/((?!api/|_next/|sw\\.js|manifest\\.webmanifest|icons/|favicon\\.ico|robots\\.txt).*)",
  ],
};
