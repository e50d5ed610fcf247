/**
 * The item bank: quiz_items materialised from generated quiz content, one row per question
 * (content_id, content_version, position). Materialising is idempotent (ON CONFLICT DO NOTHING),
 * and a regenerated version retires the previous version's items (is_active false): responses keep
 * pointing at the items they were given, so old scores stay reproducible.
 */
import { type QuizContent, QuizContentSchema, type SourceRef } from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { conceptKeyOf } from "../flashcards/concept-key.ts";

/** The fields of a generated_content row that materialising needs. */
export interface QuizContentRow {
  id: string;
  moduleId: string;
  unitId: string | null;
  language: string;
  version: number;
  content: unknown;
  sourcesCited: unknown;
}

export interface ItemDraft {
  moduleId: string;
  unitId: string | null;
  preassessmentId: string | null;
  contentId: string | null;
  contentVersion: number | null;
  position: number;
  language: string;
  question: QuizContent["questions"][number];
  source: SourceRef | null;
}

/** The cited source of a question: `source` is a 1-based index into the content's sources_cited. */
export function citedSource(sources: readonly SourceRef[], index: number): SourceRef | null {
  return sources[index - 1] ?? null;
}

/** Drafts for every valid question of a quiz content row (invalid content gives none). */
export function draftsOf(row: QuizContentRow, preassessmentId: string | null = null): ItemDraft[] {
  const parsed = QuizContentSchema.safeParse(row.content);
  if (!parsed.success) return [];
  const sources = (Array.isArray(row.sourcesCited) ? row.sourcesCited : []) as SourceRef[];
  return parsed.data.questions.map((question, position) => ({
    moduleId: row.moduleId,
    unitId: row.unitId,
    preassessmentId,
    contentId: row.id,
    contentVersion: row.version,
    position,
    language: row.language,
    question,
    source: citedSource(sources, question.source),
  }));
}

/** Inserts drafts, skipping any (content_id, content_version, position) already stored. */
export async function insertItems(tx: Tx, drafts: readonly ItemDraft[]): Promise<number> {
  if (drafts.length === 0) return 0;
  const result = await tx.quizItem.createMany({
    data: drafts.map((d) => ({
      moduleId: d.moduleId,
      unitId: d.unitId,
      preassessmentId: d.preassessmentId,
      contentId: d.contentId,
      contentVersion: d.contentVersion,
      position: d.position,
      language: d.language,
      difficulty: d.question.difficulty,
      questionType: d.question.type,
      conceptKey: conceptKeyOf(d.question.concept) || null,
      stem: d.question.question,
      options: d.question.options,
      correctOption: d.question.correct_index,
      explanation: d.question.explanation,
      sourcesCited: (d.source ? [d.source] : []) as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
  return result.count;
}

/**
 * Makes the module's practice bank match a quiz content row: its questions as active items, and
 * the items of that content's earlier versions retired. Cheap when already done (one count).
 */
export async function materialiseQuizItems(db: Db, row: QuizContentRow): Promise<void> {
  const current = await db.quizItem.count({ where: { contentId: row.id, contentVersion: row.version } });
  const stale = await db.quizItem.count({
    where: { contentId: row.id, isActive: true, NOT: { contentVersion: row.version } },
  });
  if (current > 0 && stale === 0) return;
  await db.$transaction(async (tx) => {
    await insertItems(tx, draftsOf(row));
    await tx.quizItem.updateMany({
      where: { contentId: row.id, isActive: true, NOT: { contentVersion: row.version } },
      data: { isActive: false },
    });
  });
}
