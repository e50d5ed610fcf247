/** Sign-out: the API ends the session the cookie belongs to, and the cookies are cleared. */
import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import {
  ACCESS_COOKIE,
  callApi,
  languageOf,
  problem,
  REFRESH_COOKIE,
  sameOrigin,
  signedOut,
  type TokenPair,
} from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "errors" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("FORBIDDEN"));
  let refreshToken = req.cookies.get(REFRESH_COOKIE)?.value;
  let access = req.cookies.get(ACCESS_COOKIE)?.value;
  if (refreshToken && !access) {
    // The access copy lapsed: a fresh pair names the same session, which is then ended.
    const res = await callApi(req, "/api/v1/auth/refresh", { refresh_token: refreshToken }).catch(() => null);
    if (res?.ok) {
      const pair = (await res.json()) as TokenPair;
      refreshToken = pair.refresh_token;
      access = pair.access_token;
    }
  }
  if (refreshToken && access) {
    await callApi(req, "/api/v1/auth/logout", { refresh_token: refreshToken }, { accessToken: access }).catch(
      () => null,
    );
  }
  return signedOut(req);
}
