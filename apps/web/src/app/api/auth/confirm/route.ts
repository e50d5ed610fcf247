/**
 * The first TOTP code of a new (or recovered) authenticator, with the emailed code while the
 * address is unverified: the API activates the account and signs in; the refresh token stays in the cookie.
 */
import { confirmTotpInput } from "@sira/contracts";
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
  const parsed = confirmTotpInput.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return problem(400, "VALIDATION_FAILED", t("VALIDATION_FAILED"));
  const res = await callApi(req, "/api/v1/auth/totp/confirm", parsed.data);
  if (!res.ok) return relayProblem(res);
  return sessionResponse(req, (await res.json()) as TokenPair);
}
