/** The generation context of a module or unit: the course's topic and the learner's parameters. */
import type { GenerationContext } from "@sira/ai";
import { AppError, BLOOM_LEVELS, type BloomLevel, clipText } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { inLanguage } from "../bilingual.ts";
import type { CacheKey } from "./cache-key.ts";

/** The first sentence of a description, kept short: prompts name the subject, not the blurb. */
export function topicOf(description: string, fallback: string): string {
  const first = description.split(/(?<=[.!?])\s/)[0]?.trim() ?? "";
  return clipText(first || fallback, 200);
}

export interface ContentSubject {
  courseId: string;
  context: GenerationContext;
  /** What to retrieve for: module and unit titles and objectives. */
  query: string;
}

/** Loads the module (and unit) of `key` and builds the prompt context in the key's language. */
export async function contentSubject(db: Db, key: CacheKey): Promise<ContentSubject> {
  const module = await db.module.findUnique({
    where: { id: key.moduleId },
    include: {
      course: {
        include: { taxonomyCategories: { include: { category: true } } },
      },
      units: key.unitId ? { where: { id: key.unitId } } : false,
    },
  });
  const unit = key.unitId ? module?.units?.[0] : undefined;
  if (!module?.course || (key.unitId && !unit)) throw new AppError("NOT_FOUND");
  const lang = key.language;
  const course = module.course;
  const domain = course.taxonomyCategories.find((t) => t.category.type === "domain")?.category;
  const courseTitle = inLanguage(lang, course.titleFr, course.titleEn);
  const domainLabel = domain ? inLanguage(lang, domain.labelFr, domain.labelEn) : courseTitle;
  const moduleTitle = inLanguage(lang, module.titleFr, module.titleEn);
  const unitTitle = unit ? inLanguage(lang, unit.titleFr, unit.titleEn) : undefined;
  const unitObjectives = unit ? (lang === "fr" ? unit.objectivesFr : unit.objectivesEn) : [];
  const moduleObjectives = lang === "fr" ? module.objectivesFr : module.objectivesEn;
  const objectives = unitObjectives.length ? unitObjectives : moduleObjectives;
  const bloomLevel = (BLOOM_LEVELS as readonly string[]).includes(module.bloomLevel)
    ? (module.bloomLevel as BloomLevel)
    : "understand";
  const context: GenerationContext = {
    courseTitle,
    topic: topicOf(inLanguage(lang, course.descriptionFr, course.descriptionEn) ?? "", domainLabel),
    language: lang,
    country: key.country,
    level: key.level,
    bloomLevel,
    moduleTitle,
    ...(unitTitle ? { unitTitle } : {}),
    objectives,
  };
  const query = [moduleTitle, unitTitle, ...objectives].filter(Boolean).join(". ");
  return { courseId: course.id, context, query };
}
