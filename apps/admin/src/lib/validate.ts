/**
 * Forms check their input with the API's own zod schemas before sending. Messages follow the
 * console's language: zod's French or English wording for each issue (the schemas' own messages
 * are English), with the console's words for fields it knows better.
 */
import { z } from "zod";

export type FieldErrors = Record<string, string>;

const LOCALES = { fr: z.locales.fr(), en: z.locales.en() };

function messageOf(issue: z.core.$ZodIssue, language: "fr" | "en", known: (field: string) => string | null): string {
  const field = issue.path.map(String).join(".");
  const mine = known(field);
  if (mine) return mine;
  if (language === "en" || issue.code === "custom") return issue.message;
  const localized = LOCALES.fr.localeError(issue as never);
  const text = typeof localized === "string" ? localized : localized?.message;
  return text ?? issue.message;
}

/** Parses `value`; field errors are keyed by dotted path ("title_fr", "modules.0.title_en"). */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  language: "fr" | "en",
  known: (field: string) => string | null = () => null,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    errors[key] ??= messageOf(issue, language, known);
  }
  return { ok: false, errors };
}
