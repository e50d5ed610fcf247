/** Sign-out: the API ends the session the cookie belongs to, and the cookie is cleared. */
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { callApi, clearSession, languageOf, problem, REFRESH_COOKIE, sameOrigin } from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "auth" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("crossSite"));
  const token = req.cookies.get(REFRESH_COOKIE)?.value;
  const access = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
  if (token && access) await callApi(req, "/api/v1/auth/logout", { refresh_token: token }, access).catch(() => null);
  return clearSession(NextResponse.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));
}
