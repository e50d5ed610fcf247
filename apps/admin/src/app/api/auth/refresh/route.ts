/** A new access token from the refresh cookie, which rotates with it. */
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import {
  callApi,
  clearSession,
  languageOf,
  problem,
  REFRESH_COOKIE,
  relayProblem,
  sameOrigin,
  sessionResponse,
  type TokenPair,
} from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "auth" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("crossSite"));
  const token = req.cookies.get(REFRESH_COOKIE)?.value;
  // No cookie is the ordinary signed-out state: answered 200 so the page logs no failed request.
  if (!token) return NextResponse.json({ signed_in: false }, { headers: { "cache-control": "no-store" } });
  const res = await callApi(req, "/api/v1/auth/refresh", { refresh_token: token });
  if (res.status === 401) {
    return clearSession(NextResponse.json({ signed_in: false }, { headers: { "cache-control": "no-store" } }));
  }
  if (!res.ok) return relayProblem(res);
  const pair = (await res.json()) as TokenPair;
  if (pair.user.role === "learner") return clearSession(problem(403, "FORBIDDEN", t("staffOnly")));
  return sessionResponse(pair);
}
