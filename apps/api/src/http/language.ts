/**
 * The request's language: `?lang=`, then `Accept-Language`, then the caller's preferred_language,
 * then the platform default (French).
 */
import { LANGUAGES, type Language } from "@sira/contracts";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";

const isLanguage = (v: string | undefined | null): v is Language => !!v && (LANGUAGES as readonly string[]).includes(v);

/** The best supported language in an Accept-Language header, honouring q-values; null if none. */
export function fromAcceptLanguage(header: string | undefined | null): Language | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split("-")[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.map((r) => r.primary).find(isLanguage) ?? null;
}

export function resolveLanguage(input: {
  query?: string | null;
  acceptLanguage?: string | null;
  userLanguage?: string | null;
  fallback: Language;
}): Language {
  const query = input.query?.toLowerCase();
  if (isLanguage(query)) return query;
  return (
    fromAcceptLanguage(input.acceptLanguage) ?? (isLanguage(input.userLanguage) ? input.userLanguage : input.fallback)
  );
}

/** Sets `lang` for the request and `Content-Language` on the answer. Runs after auth. */
export const languageMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  c.set(
    "lang",
    resolveLanguage({
      query: c.req.query("lang"),
      acceptLanguage: c.req.header("accept-language"),
      userLanguage: c.get("actor")?.preferredLanguage,
      fallback: c.get("deps").config.DEFAULT_LANGUAGE,
    }),
  );
  await next();
  if (!c.res.headers.has("content-language")) c.res.headers.set("content-language", c.get("lang"));
  const vary = c.res.headers.get("vary");
  if (!vary?.toLowerCase().includes("accept-language")) {
    c.res.headers.set("vary", vary ? `${vary}, Accept-Language` : "Accept-Language");
  }
});
