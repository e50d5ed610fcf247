/**
 * The "preassessment-generation" job: builds a course pre-assessment's item bank, a few questions
 * per module and language spread over the difficulties, from the module's cached quiz content or,
 * without one, generated from the course's indexed chunks. The new bank replaces the previous one
 * in one transaction (old items retired, never deleted), so running the job twice is harmless.
 */
import type { RetrievedChunk } from "@sira/ai";
import { AppError, LANGUAGES, type Language, type SourceRef } from "@sira/contracts";
import { contentSubject } from "../../content/context.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { anyQuizContent } from "../quiz/bank.ts";
import { draftsOf, type ItemDraft, insertItems, type QuizContentRow } from "../quiz/items.ts";
import type { PreassessmentJobData } from "./config.ts";

/** Questions per module and language. */
export const PREASSESSMENT_ITEMS_PER_MODULE = 5;
const TOP_K = 8;

interface ModuleRef {
  id: string;
  level: number;
}

/** Up to `n` drafts spread over the difficulties (easiest first within each round). */
export function spreadByDifficulty(drafts: readonly ItemDraft[], n: number): ItemDraft[] {
  const byDifficulty = new Map<number, ItemDraft[]>();
  for (const d of drafts)
    byDifficulty.set(d.question.difficulty, [...(byDifficulty.get(d.question.difficulty) ?? []), d]);
  const levels = [...byDifficulty.keys()].sort((a, b) => a - b);
  const picked: ItemDraft[] = [];
  while (picked.length < n && levels.some((l) => (byDifficulty.get(l)?.length ?? 0) > 0)) {
    for (const level of levels) {
      const next = byDifficulty.get(level)?.shift();
      if (next && picked.length < n) picked.push(next);
    }
  }
  return picked;
}

async function generatedQuiz(
  deps: ContentDeps,
  module: ModuleRef,
  language: Language,
  country: string,
): Promise<QuizContentRow | null> {
  const key = {
    moduleId: module.id,
    unitId: null,
    contentType: "quiz" as const,
    language,
    level: module.level,
    country,
  };
  const subject = await contentSubject(deps.db, key);
  const search = (query: string, topK: number): Promise<RetrievedChunk[]> =>
    deps.ai.retriever.search(query, { courseId: subject.courseId, topK, language });
  const chunks = await search(subject.query, TOP_K);
  if (chunks.length === 0) return null;
  const result = await deps.ai.generator.quiz(subject.context, chunks, {
    count: PREASSESSMENT_ITEMS_PER_MODULE,
    distractorPool: await search(subject.context.topic, TOP_K * 3),
  });
  return {
    id: "",
    moduleId: module.id,
    unitId: null,
    language,
    version: 0,
    content: result.content,
    sourcesCited: result.sourcesCited satisfies SourceRef[],
  };
}

/** The pre-assessment drafts of one module in one language (none when nothing can be drawn from). */
async function moduleDrafts(
  deps: ContentDeps,
  preassessmentId: string,
  module: ModuleRef,
  language: Language,
  country: string,
): Promise<ItemDraft[]> {
  const row =
    (await anyQuizContent(deps.db, module.id, language)) ?? (await generatedQuiz(deps, module, language, country));
  if (!row) return [];
  // Pre-assessment items are copies: the (content, version, position) key stays the practice bank's.
  const drafts = draftsOf(row, preassessmentId).map((d) => ({ ...d, contentId: null, contentVersion: null }));
  return spreadByDifficulty(drafts, PREASSESSMENT_ITEMS_PER_MODULE).map((d, i) => ({ ...d, position: i }));
}

export type PreassessmentGenerationOutcome = { status: "ready" | "missing"; items: number };

/** Runs one pre-assessment generation job (see the module comment). */
export async function runPreassessmentGeneration(
  deps: ContentDeps,
  data: PreassessmentJobData,
): Promise<PreassessmentGenerationOutcome> {
  const pre = await deps.db.coursePreassessment.findUnique({ where: { courseId: data.courseId } });
  if (!pre) return { status: "missing", items: 0 };
  await deps.db.coursePreassessment.update({
    where: { id: pre.id },
    data: { generationStatus: "generating", generationError: null },
  });
  try {
    const modules = await deps.db.module.findMany({
      where: { courseId: data.courseId },
      orderBy: { moduleNumber: "asc" },
      select: { id: true, level: true },
    });
    const drafts: ItemDraft[] = [];
    for (const module of modules) {
      for (const language of LANGUAGES) {
        drafts.push(...(await moduleDrafts(deps, pre.id, module, language, data.country)));
      }
    }
    if (drafts.length === 0) throw new AppError("NO_INDEXED_CONTENT");
    const count = await deps.db.$transaction(async (tx) => {
      await tx.quizItem.updateMany({ where: { preassessmentId: pre.id, isActive: true }, data: { isActive: false } });
      const inserted = await insertItems(tx, drafts);
      await tx.coursePreassessment.update({
        where: { id: pre.id },
        data: { generationStatus: "ready", generationError: null, generatedAt: new Date() },
      });
      return inserted;
    });
    deps.logger.info({ course_id: data.courseId, items: count }, "pre-assessment generated");
    return { status: "ready", items: count };
  } catch (error) {
    const reason = error instanceof AppError ? error.code : "GENERATION_FAILED";
    await deps.db.coursePreassessment.update({
      where: { id: pre.id },
      data: { generationStatus: "failed", generationError: reason },
    });
    throw error;
  }
}
