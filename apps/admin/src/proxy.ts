/**
 * Runs before every page and route of the console: sets its content security policy, whose
 * connect-src names the API the browser is told to call (`SIRA_API_PUBLIC_URL`, read at start, not
 * at build). The other security headers are fixed in next.config.ts.
 */
import { NextResponse } from "next/server";
import { publicApiUrl } from "@/lib/server/api";
import { consolePolicy } from "@/lib/server/csp";

let policy: string | null = null;

export function proxy(): NextResponse {
  policy ??= consolePolicy(publicApiUrl());
  const res = NextResponse.next();
  res.headers.set("Content-Security-Policy", policy);
  return res;
}

export const config = {
  // Build output and the icons carry no policy of their own (they are not documents).
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|icon\\.svg).*)"],
};
