/** The app's languages: French first (the default), as the API's. */
export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr";
/** Written at sign-in (the profile's language) and by the language switch; read on every request. */
export const LOCALE_COOKIE = "sira_locale";

export function isLocale(value: string | null | undefined): value is Locale {
  return value === "fr" || value === "en";
}

/**
 * The cookie's language, else the first of Accept-Language's that the app speaks (q-values
 * respected, q=0 excluded), else French.
 */
export function resolveLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.toLowerCase().split("-")[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.tag).find(isLocale) ?? DEFAULT_LOCALE;
}
