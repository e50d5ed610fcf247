/**
 * The language switch (a plain form, so it works before any script): the cookie every page reads,
 * and for a signed-in learner their profile too, which the API and later sessions follow. Then
 * back to the page the form was on.
 */
import { type NextRequest, NextResponse } from "next/server";
import { isLocale, LOCALE_COOKIE } from "@/i18n/locale";
import { safeNext } from "@/lib/paths";
import { ACCESS_COOKIE, callApi, sameOrigin } from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const form = await req.formData().catch(() => null);
  const lang = String(form?.get("lang") ?? "");
  const back = safeNext(req.headers.get("referer"), req.nextUrl.origin);
  const res = NextResponse.redirect(new URL(back, req.nextUrl.origin), 303);
  if (!sameOrigin(req) || !isLocale(lang)) return res;
  res.cookies.set(LOCALE_COOKIE, lang, { sameSite: "lax", path: "/", maxAge: 365 * 24 * 3600 });
  const access = req.cookies.get(ACCESS_COOKIE)?.value;
  if (access) {
    await callApi(
      req,
      "/api/v1/users/me",
      { preferred_language: lang },
      { accessToken: access, method: "PATCH" },
    ).catch(() => null);
  }
  return res;
}
