/**
 * A summative test is served only items whose key the learner has not been shown (decision 0067).
 * When too few remain for a whole test, the module's bank grows: a top-up asks the generator for
 * questions the bank does not hold yet and adds them to the quiz content's items at its version,
 * keeping every item already there (their ids, exposure and calibration). Meanwhile the learner is
 * answered 409 QUIZ_NOT_READY with Retry-After.
 */
import { type KnownQuestion, knownQuestionKey } from "@sira/ai";
import { CAT_MAX_ITEMS } from "@sira/algorithms";
import { AppError } from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import { keyOfRow } from "../../content/cache.ts";
import type { ContentDeps } from "../../content/deps.ts";
import {
  enqueueAfterCoolDown,
  enqueueGenerationAfterCoolDown,
  generateQuizQuestions,
  QUIZ_TOP_K,
} from "../../content/generation.ts";
import { PermanentJobError } from "../../jobs/failures.ts";
import type { JobPayload } from "../../jobs/registry.ts";
import { type BankTarget, QUIZ_RETRY_AFTER_SECONDS, quizKeyOf } from "./bank.ts";
import { bankWhere, shownItems } from "./engine.ts";
import { citedSource, type ItemDraft, insertItems, type QuizContentRow } from "./items.ts";

export type QuizTopUpJobData = JobPayload<"top-up-quiz-bank">;

/** Every question the module's bank in `language` has held (retired versions too: learners saw them). */
async function knownQuestions(db: Tx, moduleId: string, language: string): Promise<KnownQuestion[]> {
  const items = await db.quizItem.findMany({
    where: { moduleId, language, preassessmentId: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { stem: true, options: true, correctOption: true },
  });
  return items.map((i) => ({
    question: i.stem,
    answer: Array.isArray(i.options) ? String(i.options[i.correctOption] ?? "") : "",
  }));
}

/**
 * The shortest summative test served when the module's text gives no new question: a test of the
 * items left unseen, graded like any other, down to this many (decision 0067).
 */
export const SUMMATIVE_MIN_FRESH_ITEMS = 5;

/**
 * Before a new summative test: 409 QUIZ_NOT_READY (top-up queued) unless the learner can be served
 * a whole test of items whose key they have not been shown: CAT_MAX_ITEMS.summative of them, or
 * the whole bank when it is smaller (the length a first test on it has). Once a top-up found the
 * text used up, SUMMATIVE_MIN_FRESH_ITEMS unseen items are enough for a shorter test.
 */
export async function ensureFreshSummativeItems(
  deps: { db: Db; config: ContentDeps["config"] },
  spec: BankTarget & { userId: string; content: QuizContentRow | null },
): Promise<void> {
  const scope = { kind: "module" as const, moduleId: spec.moduleId };
  const where = bankWhere(scope, spec.language);
  // Read before the counts: a top-up landing after them leaves this size behind, so the job this
  // request may queue is stale and does nothing (read after, it would grow the bank a second time).
  const size = spec.content ? await versionSize(deps.db, spec.content.id, spec.content.version) : 0;
  const shown = await shownItems(deps.db, { userId: spec.userId, scope });
  const [active, fresh] = await Promise.all([
    deps.db.quizItem.count({ where }),
    deps.db.quizItem.count({ where: { ...where, id: { notIn: shown } } }),
  ]);
  if (fresh >= Math.min(CAT_MAX_ITEMS.summative, active)) return;
  // A bank whose text is used up serves a shorter test of what is left, not a shown key.
  if (fresh >= SUMMATIVE_MIN_FRESH_ITEMS && spec.content && (await usedUp(deps.db, spec.content))) return;
  // Items from content since deleted have no row to grow: the learner's key is generated first.
  const coolDown = spec.content
    ? await enqueueQuizTopUp(deps, spec.content, size)
    : await enqueueGenerationAfterCoolDown(deps, { key: quizKeyOf(spec), alsoOtherLanguage: true });
  throw new AppError("QUIZ_NOT_READY", { retryAfterSeconds: coolDown || QUIZ_RETRY_AFTER_SECONDS });
}

/**
 * Queues a top-up of the content at its version (one job per size of the bank: learners who find it
 * short at once share it), unless it failed for good within the cool-down: the seconds left then.
 */
async function enqueueQuizTopUp(
  deps: { db: Db; config: ContentDeps["config"] },
  content: QuizContentRow,
  size: number,
) {
  const data = { contentId: content.id, version: content.version, size };
  return enqueueAfterCoolDown(
    deps,
    "top-up-quiz-bank",
    data,
    jobIdFor("quiz-topup", content.id, content.version, size),
  );
}

/** Whether the last top-up of the content found its text used up, at the bank's present size. */
async function usedUp(db: Db, content: QuizContentRow): Promise<boolean> {
  const row = await db.generatedContent.findUnique({ where: { id: content.id }, select: { metadata: true } });
  const mark = (row?.metadata as { top_up_used_up?: { version: number; size: number } } | null)?.top_up_used_up;
  return mark?.version === content.version && mark.size === (await versionSize(db, content.id, content.version));
}

/** Marks the content's text used up at this version and size: no top-up found a new question. */
async function markUsedUp(db: Db, data: QuizTopUpJobData): Promise<PermanentJobError> {
  const mark = JSON.stringify({ version: data.version, size: data.size });
  await db.$executeRaw`
    UPDATE generated_content SET metadata = jsonb_set(metadata, '{top_up_used_up}', ${mark}::jsonb)
     WHERE id = ${data.contentId}::uuid AND version = ${data.version}`;
  return new PermanentJobError("the course's text gives no question the bank does not hold");
}

function versionSize(db: Tx, contentId: string, version: number): Promise<number> {
  return db.quizItem.count({ where: { contentId, contentVersion: version } });
}

export type QuizTopUpOutcome = { status: "added" | "stale"; added: number };

/**
 * The "top-up-quiz-bank" job: new questions for the content's module and language, none the bank
 * has held, added as active items after the version's last position. A content regenerated since
 * (another version), or grown since it was asked for, is left alone. No new question at all marks
 * the text used up at this size (shorter tests follow) and fails the job for good: another try
 * waits for the failure's cool-down, in case documents were added.
 */
export async function runQuizTopUp(
  deps: ContentDeps,
  data: QuizTopUpJobData,
  signal?: AbortSignal,
): Promise<QuizTopUpOutcome> {
  const row = await deps.db.generatedContent.findUnique({ where: { id: data.contentId } });
  // A request that read the bank before the last top-up landed asks again: that one served it.
  const stale = async (db: Tx, version: number | undefined) =>
    version !== data.version || (await versionSize(db, data.contentId, data.version)) !== data.size;
  if (row?.contentType !== "quiz" || (await stale(deps.db, row.version))) return { status: "stale", added: 0 };
  const key = keyOfRow(row);
  const avoid = await knownQuestions(deps.db, row.moduleId, row.language);
  // Twice the chunks of a first generation: the text the bank's questions came from is used up first.
  let result: Awaited<ReturnType<typeof generateQuizQuestions>>;
  try {
    result = await generateQuizQuestions(deps, key, { topK: QUIZ_TOP_K * 2, avoid, signal });
  } catch (error) {
    // The offline generator is deterministic: a text that gives it no new question never will.
    const noneLeft = deps.ai.generator.offline && error instanceof AppError && error.code === "GENERATION_FAILED";
    if (noneLeft) throw await markUsedUp(deps.db, data);
    throw error;
  }
  const added = await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM generated_content WHERE id = ${row.id}::uuid FOR UPDATE`;
    const current = await tx.generatedContent.findUnique({ where: { id: row.id }, select: { version: true } });
    if (await stale(tx, current?.version)) return null;
    // Read again under the lock: a concurrent run's questions count as known too.
    const known = new Set((await knownQuestions(tx, row.moduleId, row.language)).map(knownQuestionKey));
    const last = await tx.quizItem.aggregate({
      where: { contentId: row.id, contentVersion: row.version },
      _max: { position: true },
    });
    let position = (last._max.position ?? -1) + 1;
    const drafts: ItemDraft[] = [];
    for (const question of result.content.questions) {
      const k = knownQuestionKey({
        question: question.question,
        answer: question.options[question.correct_index] ?? "",
      });
      if (known.has(k)) continue;
      known.add(k);
      drafts.push({
        moduleId: row.moduleId,
        unitId: row.unitId,
        preassessmentId: null,
        contentId: row.id,
        contentVersion: row.version,
        position: position++,
        language: row.language,
        question,
        source: citedSource(result.sourcesCited, question.source),
      });
    }
    const inserted = await insertItems(tx, drafts);
    // The content keeps a trace of each top-up (and what it cost): its own questions stay as generated.
    const trace = { at: new Date().toISOString(), added: inserted, model: result.model, usage: result.usage ?? null };
    await tx.$executeRaw`
      UPDATE generated_content
         SET metadata = jsonb_set(metadata, '{top_ups}', coalesce(metadata -> 'top_ups', '[]'::jsonb) || ${JSON.stringify([trace])}::jsonb)
       WHERE id = ${row.id}::uuid`;
    return inserted;
  });
  if (added === null) return { status: "stale", added: 0 };
  if (added === 0) throw await markUsedUp(deps.db, data);
  deps.logger.info(
    { content_id: row.id, version: row.version, language: row.language, added, model: result.model },
    "quiz bank topped up",
  );
  return { status: "added", added };
}
