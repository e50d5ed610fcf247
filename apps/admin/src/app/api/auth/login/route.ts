/** Sign-in: email + TOTP (or a backup code) checked by the API; only admins and experts get in. */
import { loginInput } from "@sira/contracts";
import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import {
  callApi,
  clearSession,
  languageOf,
  problem,
  relayProblem,
  sameOrigin,
  sessionResponse,
  type TokenPair,
} from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "auth" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("crossSite"));
  const parsed = loginInput.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return problem(400, "VALIDATION_FAILED", t("invalidInput"));
  const res = await callApi(req, "/api/v1/auth/login", parsed.data);
  if (!res.ok) return relayProblem(res);
  const pair = (await res.json()) as TokenPair;
  if (pair.user.role === "learner") {
    // The account is real but has no business here: end the session it was just given.
    await callApi(req, "/api/v1/auth/logout", { refresh_token: pair.refresh_token }, pair.access_token);
    return clearSession(problem(403, "FORBIDDEN", t("staffOnly")));
  }
  return sessionResponse(pair);
}
