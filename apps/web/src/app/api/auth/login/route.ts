/** Sign-in: email + TOTP (or a backup code) checked by the API; the refresh token stays in the cookie. */
import { loginInput } from "@sira/contracts";
import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import {
  callApi,
  languageOf,
  problem,
  relayProblem,
  sameOrigin,
  sessionResponse,
  type TokenPair,
} from "@/lib/server/api";

export async function POST(req: NextRequest) {
  const t = await getTranslations({ locale: languageOf(req), namespace: "errors" });
  if (!sameOrigin(req)) return problem(403, "FORBIDDEN", t("FORBIDDEN"));
  const parsed = loginInput.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return problem(400, "VALIDATION_FAILED", t("VALIDATION_FAILED"));
  const res = await callApi(req, "/api/v1/auth/login", parsed.data);
  if (!res.ok) return relayProblem(res);
  return sessionResponse(req, (await res.json()) as TokenPair);
}
