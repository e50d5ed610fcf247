/** The console's languages: French first (the default), as the API's. */
export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr";
/** The cookie the language switch writes; read on every request. */
export const LOCALE_COOKIE = "sira_admin_locale";

export function isLocale(value: string | undefined): value is Locale {
  return value === "fr" || value === "en";
}
