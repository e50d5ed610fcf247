/** Dates and numbers in the console's language. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "fr-FR", {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

/** The text in the console's language, falling back to the other one. */
export function pick(locale: string, fr: string | null | undefined, en: string | null | undefined): string {
  return (locale === "en" ? en || fr : fr || en) ?? "";
}

/** An amount of money as learners see it: grouped digits, XOF written FCFA. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined, locale: string) {
  if (amount === null || amount === undefined) return "—";
  const figure = new Intl.NumberFormat(locale === "en" ? "en-GB" : "fr-FR").format(amount);
  return `${figure} ${currency === "XOF" || !currency ? "FCFA" : currency}`;
}

/** Mobile-money operators by their brand names, the same in both languages. */
export const PROVIDER_NAMES: Record<string, string> = {
  orange_money: "Orange Money",
  wave: "Wave",
  mtn_momo: "MTN MoMo",
  moov_money: "Moov Money",
};
