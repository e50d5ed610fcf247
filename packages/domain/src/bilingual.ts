/** FR/EN texts: the one rule for which language's text a reader sees (decision 0037). */
import type { Language } from "@sira/contracts";

const hasText = (text: string | null | undefined): text is string => typeof text === "string" && text.trim() !== "";

/**
 * The text in `lang`; when that one is missing or blank, the other language's; when both are,
 * whatever there is, the requested one first. A text is never empty while either language has one.
 */
export function inLanguage(lang: Language, fr: string, en: string | null | undefined): string;
export function inLanguage(lang: Language, fr: string | null | undefined, en: string): string;
export function inLanguage(lang: Language, fr: string | null | undefined, en: string | null | undefined): string | null;
export function inLanguage(
  lang: Language,
  fr: string | null | undefined,
  en: string | null | undefined,
): string | null {
  const [asked, other] = lang === "en" ? [en, fr] : [fr, en];
  if (hasText(asked)) return asked;
  if (hasText(other)) return other;
  return asked ?? other ?? null;
}

/** A course's languages as the API gives and takes them, from the `courses.languages` column ("fr,en"). */
export function courseLanguages(column: string): Language[] {
  return column.split(",").filter((l): l is Language => l === "fr" || l === "en");
}

/** The `courses.languages` column for a list of languages, in the order given. */
export function courseLanguagesColumn(languages: readonly Language[]): string {
  return languages.join(",");
}
