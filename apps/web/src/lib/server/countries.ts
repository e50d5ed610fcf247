/** Country choices in the page's language, named by the runtime's ICU data (no list shipped). */
import { COUNTRY_CODES } from "@sira/contracts";

/** West African countries first: most learners are there. */
const FIRST = ["SN", "CI", "ML", "BF", "NE", "GN", "BJ", "TG", "GH", "NG", "CM", "MR"];

export function countryOptions(locale: string): { code: string; name: string }[] {
  const names = new Intl.DisplayNames([locale], { type: "region" });
  const named = (code: string) => ({ code, name: names.of(code) ?? code });
  const rest = COUNTRY_CODES.filter((c) => !FIRST.includes(c))
    .map(named)
    .sort((a, b) => a.name.localeCompare(b.name, locale));
  return [...FIRST.map(named), ...rest];
}
