/** A new access token from the refresh cookie, which rotates with it. */
import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import {
  callApi,
  languageOf,
  problem,
  REFRESH_COOKIE,
  relayProblem,
  sameOrigin,
  sessionResponse,
  signedOut,
  type TokenPair,
} from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "errors" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("FORBIDDEN"));
  const token = req.cookies.get(REFRESH_COOKIE)?.value;
  // No cookie is the ordinary signed-out state: answered 200 so the page logs no failed request.
  if (!token) return signedOut(req);
  const res = await callApi(req, "/api/v1/auth/refresh", { refresh_token: token });
  if (res.status === 401) return signedOut(req);
  if (!res.ok) return relayProblem(res);
  return sessionResponse(req, (await res.json()) as TokenPair);
}
