/** What a course needs before learners may see it: both titles, both descriptions and a module. */
import { AppError } from "@sira/contracts";

export interface PublishBlocker {
  /** The missing field (`title_fr`… or `modules`), for clients to point at. */
  field: "title_fr" | "title_en" | "description_fr" | "description_en" | "modules";
  en: string;
  fr: string;
}

const TEXTS: PublishBlocker[] = [
  { field: "title_fr", en: "the French title", fr: "le titre en français" },
  { field: "title_en", en: "the English title", fr: "le titre en anglais" },
  { field: "description_fr", en: "the French description", fr: "la description en français" },
  { field: "description_en", en: "the English description", fr: "la description en anglais" },
];
const MODULES: PublishBlocker = { field: "modules", en: "at least one module", fr: "au moins un module" };

export interface PublishableCourse {
  title_fr: string;
  title_en: string;
  description_fr: string | null;
  description_en: string | null;
  module_count: number;
}

/** What stops the course from being published; empty when it may be. */
export function publishBlockers(course: PublishableCourse): PublishBlocker[] {
  const missing = TEXTS.filter(({ field }) => {
    const value = course[field as keyof PublishableCourse];
    return typeof value !== "string" || value.trim() === "";
  });
  return course.module_count > 0 ? missing : [...missing, MODULES];
}

/**
 * The 409 that names every missing piece in both languages, with one `errors` entry per piece
 * (`code: "missing"`), so clients can branch without parsing text. `when` says whether a publish
 * was refused or an edit that would leave a published course incomplete.
 */
export function publishRefusal(blockers: PublishBlocker[], when: "publish" | "update"): AppError {
  const en = blockers.map((b) => b.en).join(", ");
  const fr = blockers.map((b) => b.fr).join(", ");
  return new AppError("NOT_PUBLISHABLE", {
    fieldErrors: blockers.map((b) => ({ field: b.field, code: "missing", message: `Missing ${b.en}` })),
    details:
      when === "publish"
        ? {
            en: `This course cannot be published yet. Missing: ${en}.`,
            fr: `Ce cours ne peut pas encore être publié. Il manque : ${fr}.`,
          }
        : {
            en: `A published course must keep its titles and descriptions in both languages. Missing: ${en}.`,
            fr: `Un cours publié doit garder ses titres et descriptions dans les deux langues. Il manquerait : ${fr}.`,
          },
  });
}
