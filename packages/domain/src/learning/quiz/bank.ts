/**
 * A module's practice bank in the learner's language. Items come from the module-level quiz
 * content (unit_id null) for the learner's level and country, or else any quiz content of the
 * module in that language; with none, its generation is queued and the quiz is not ready yet.
 */
import { AppError, type Language } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import { findCachedContent } from "../../content/cache.ts";
import type { CacheKey } from "../../content/cache-key.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { enqueueGenerationAfterCoolDown } from "../../content/generation.ts";
import { courseHasIndexedContent } from "../../content/indexed.ts";
import { materialiseQuizItems, type QuizContentRow } from "./items.ts";

/** Seconds a client should wait before asking again while the quiz is generated. */
export const QUIZ_RETRY_AFTER_SECONDS = 15;

export interface BankTarget {
  moduleId: string;
  courseId: string;
  language: Language;
  level: number;
  country: string;
}

/** The cache key of the module's quiz for the learner's language, level and country. */
export function quizKeyOf(target: BankTarget): CacheKey {
  return {
    moduleId: target.moduleId,
    unitId: null,
    contentType: "quiz",
    language: target.language,
    level: target.level,
    country: target.country.toUpperCase(),
  };
}

/** The module-level quiz content in `language` for any level or country: validated first, then newest. */
export async function anyQuizContent(db: Db, moduleId: string, language: Language): Promise<QuizContentRow | null> {
  return db.generatedContent.findFirst({
    where: { moduleId, unitId: null, contentType: "quiz", language },
    orderBy: [{ validated: "desc" }, { generatedAt: "desc" }],
    select: {
      id: true,
      moduleId: true,
      unitId: true,
      language: true,
      version: true,
      content: true,
      sourcesCited: true,
    },
  });
}

/**
 * Makes sure the module has active items in `language`: materialises the cached quiz content, or
 * queues its generation and throws 409 QUIZ_NOT_READY (NO_INDEXED_CONTENT when nothing can be
 * generated from). A generation that failed for good is not run again during its cool-down: 409
 * with retry_after until it ends. Returns the quiz content the bank was made from.
 */
export async function ensureModuleBank(
  deps: Pick<ContentDeps, "db" | "redis" | "config">,
  target: BankTarget,
): Promise<QuizContentRow | null> {
  const key = quizKeyOf(target);
  const cached = await findCachedContent(deps, key);
  const row: QuizContentRow | null = cached
    ? { ...cached, sourcesCited: cached.sourcesCited }
    : await anyQuizContent(deps.db, target.moduleId, target.language);
  if (row) await materialiseQuizItems(deps.db, row);
  const active = await deps.db.quizItem.count({
    where: { moduleId: target.moduleId, preassessmentId: null, language: target.language, isActive: true },
  });
  if (active > 0) return row;
  if (!(await courseHasIndexedContent(deps.db, target.courseId))) throw new AppError("NO_INDEXED_CONTENT");
  const coolDown = await enqueueGenerationAfterCoolDown(deps, { key, alsoOtherLanguage: true });
  throw new AppError("QUIZ_NOT_READY", { retryAfterSeconds: coolDown || QUIZ_RETRY_AFTER_SECONDS });
}
