/**
 * Learner memory: short facts the tutor keeps per learner and course (level, goals,
 * misconceptions, strengths, preferences), bounded in size, shown to the learner who may clear it.
 * It is fed after each tutor turn (by Claude when configured, else by rules) and by wrong quiz
 * answers. The same job folds the oldest turns of a long conversation into its rolling summary.
 */

import {
  type AiProviders,
  buildConversationSummaryPrompt,
  buildMemoryPrompt,
  countTokens,
  foldTurns,
  type LlmClient,
  MEMORY_LIMITS,
  memoryFactsFromTurn,
  mergeMemory,
  misconceptionFromWrongAnswer,
  TutorMemoryPatchSchema,
  type TutorMemoryView,
  type TutorTurn,
} from "@sira/ai";
import { placementLevel } from "@sira/algorithms";
import type { Language, LearnerMemory } from "@sira/contracts";
import type { Config, Logger } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";

export interface MemoryDeps {
  db: Db;
  logger: Logger;
  ai: Pick<AiProviders, "tutor">;
  config: Pick<Config, "TUTOR_SUMMARY_MAX_TOKENS">;
}

/** Unsummarised messages a conversation keeps before its oldest are folded into the summary… */
export const SUMMARY_WINDOW_MESSAGES = 12;
/** …leaving this many in the window after a fold. */
const MESSAGES_KEPT_AFTER_FOLD = 6;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v) => typeof v === "string") : []);

type MemoryRow = {
  level: number | null;
  goals: unknown;
  misconceptions: unknown;
  strengths: unknown;
  preferences: unknown;
};

export function memoryView(row: MemoryRow): TutorMemoryView {
  return {
    level: row.level,
    goals: strings(row.goals),
    misconceptions: strings(row.misconceptions),
    strengths: strings(row.strengths),
    preferences: strings(row.preferences),
  };
}

const EMPTY: TutorMemoryView = { level: null, goals: [], misconceptions: [], strengths: [], preferences: [] };

function isEmpty(view: TutorMemoryView): boolean {
  return (
    view.level === null &&
    !view.goals.length &&
    !view.misconceptions.length &&
    !view.strengths.length &&
    !view.preferences.length
  );
}

async function saveMemory(db: Db | Tx, userId: string, courseId: string, view: TutorMemoryView): Promise<void> {
  const data = {
    level: view.level,
    goals: view.goals,
    misconceptions: view.misconceptions,
    strengths: view.strengths,
    preferences: view.preferences,
  };
  await db.learnerMemory.upsert({
    where: { userId_courseId: { userId, courseId } },
    create: { userId, courseId, ...data },
    update: data,
  });
}

/** Merges `facts` into the stored memory, serialised per learner and course. */
async function addToMemory(db: Db, userId: string, courseId: string, facts: Partial<TutorMemoryView>): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`memory:${userId}:${courseId}`}, 0))`;
    const row = await tx.learnerMemory.findUnique({ where: { userId_courseId: { userId, courseId } } });
    const merged = mergeMemory(row ? memoryView(row) : EMPTY, facts, MEMORY_LIMITS);
    if (row || !isEmpty(merged)) await saveMemory(tx, userId, courseId, merged);
  });
}

/** A wrong quiz answer becomes a misconception of the item's course (best effort, never fails the answer). */
export async function noteWrongAnswer(
  deps: { db: Db; logger: Pick<Logger, "warn"> },
  input: { userId: string; courseId: string; stem: string; chosen: string; correct: string; language: Language },
): Promise<void> {
  try {
    const fact = misconceptionFromWrongAnswer(input.stem, input.chosen, input.correct, input.language);
    await addToMemory(deps.db, input.userId, input.courseId, { misconceptions: [fact] });
  } catch (error) {
    deps.logger.warn({ err: error, user_id: input.userId }, "learner memory update failed");
  }
}

function toLearnerMemory(
  courseId: string,
  row: (MemoryRow & { summary: string | null; updatedAt: Date }) | null,
): LearnerMemory {
  const view = row ? memoryView(row) : EMPTY;
  return {
    course_id: courseId,
    ...view,
    summary: row?.summary ?? null,
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

/** The caller's memory in a course (empty when the tutor knows nothing yet). */
export async function getLearnerMemory(db: Db, viewer: Viewer, courseId: string): Promise<LearnerMemory> {
  await assertCanReadCourse(db, viewer, courseId);
  const row = await db.learnerMemory.findUnique({ where: { userId_courseId: { userId: viewer.userId, courseId } } });
  return toLearnerMemory(courseId, row);
}

/**
 * Forgets everything the tutor remembers about the caller in a course, even one they left or lost:
 * the memory is theirs. With nothing to forget, the course is checked as everywhere (404/403).
 */
export async function clearLearnerMemory(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  const cleared = await db.learnerMemory.deleteMany({ where: { userId: viewer.userId, courseId } });
  if (cleared.count === 0) await assertCanReadCourse(db, viewer, courseId);
}

async function askJson(llm: LlmClient, prompt: { system: string; user: string }, maxTokens: number): Promise<unknown> {
  const reply = await llm.complete({
    system: prompt.system,
    messages: [{ role: "user", content: prompt.user }],
    maxTokens,
    temperature: 0,
  });
  const start = reply.text.indexOf("{");
  const end = reply.text.lastIndexOf("}");
  return JSON.parse(reply.text.slice(start, end + 1));
}

/** New memory facts from one turn: Claude's reading when configured (rules if it fails), else rules. */
async function factsFromTurn(
  deps: MemoryDeps,
  current: TutorMemoryView,
  turn: { question: string; answer: string },
  language: Language,
): Promise<Partial<TutorMemoryView>> {
  const llm = deps.ai.tutor.llm;
  if (llm) {
    try {
      const patch = TutorMemoryPatchSchema.parse(await askJson(llm, buildMemoryPrompt(current, turn, language), 600));
      return patch;
    } catch (error) {
      deps.logger.warn({ err: error }, "memory update by the model failed; rules used instead");
    }
  }
  return memoryFactsFromTurn(turn.question, turn.answer, language);
}

async function foldedSummary(
  deps: MemoryDeps,
  previous: string | null,
  turns: TutorTurn[],
  language: Language,
): Promise<string> {
  const max = deps.config.TUTOR_SUMMARY_MAX_TOKENS;
  const llm = deps.ai.tutor.llm;
  if (llm) {
    try {
      const prompt = buildConversationSummaryPrompt(previous, turns, language, max);
      const reply = await llm.complete({
        system: prompt.system,
        messages: [{ role: "user", content: prompt.user }],
        maxTokens: max,
        temperature: 0,
      });
      const text = reply.text.trim();
      if (text && countTokens(text) <= max) return text;
    } catch (error) {
      deps.logger.warn({ err: error }, "summary by the model failed; rules used instead");
    }
  }
  return foldTurns(previous, turns, language, max);
}

/** Folds the oldest turns out of the window once it holds more than SUMMARY_WINDOW_MESSAGES. */
async function foldConversation(deps: MemoryDeps, conversationId: string): Promise<void> {
  const conversation = await deps.db.tutorConversation.findUnique({
    where: { id: conversationId },
    select: { summary: true, summarizedCount: true, language: true },
  });
  if (!conversation) return;
  const window = await deps.db.tutorMessage.findMany({
    where: { conversationId, status: { in: ["complete", "incomplete"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    skip: conversation.summarizedCount,
    select: { role: true, content: true },
  });
  if (window.length <= SUMMARY_WINDOW_MESSAGES) return;
  const folding = window.slice(0, window.length - MESSAGES_KEPT_AFTER_FOLD);
  const language: Language = conversation.language === "en" ? "en" : "fr";
  const turns = folding.map(
    (m) => ({ role: m.role === "assistant" ? "assistant" : "user", content: m.content }) as TutorTurn,
  );
  const summary = await foldedSummary(deps, conversation.summary, turns, language);
  // Only if no other fold ran meanwhile (the count is the version).
  await deps.db.tutorConversation.updateMany({
    where: { id: conversationId, summarizedCount: conversation.summarizedCount },
    data: { summary, summarizedCount: conversation.summarizedCount + folding.length },
  });
}

/** The level the learner shows in the course: their latest submitted module quiz's estimate, if any. */
async function courseLevel(db: Db, userId: string, courseId: string): Promise<number | null> {
  const attempt = await db.quizAttempt.findFirst({
    where: { userId, status: "submitted", kind: { in: ["formative", "summative"] }, module: { courseId } },
    orderBy: { submittedAt: "desc" },
    select: { theta: true },
  });
  return attempt ? placementLevel(attempt.theta) : null;
}

/** The job after a tutor turn: memory facts from the turn, then the conversation's summary. */
export async function updateMemoryAfterTurn(deps: MemoryDeps, answerId: string): Promise<void> {
  const answer = await deps.db.tutorMessage.findUnique({
    where: { id: answerId },
    select: {
      content: true,
      status: true,
      replyTo: { select: { content: true } },
      conversation: { select: { id: true, userId: true, courseId: true, language: true } },
    },
  });
  if (!answer?.replyTo || answer.status === "streaming" || answer.status === "failed") return;
  const { conversation } = answer;
  const language: Language = conversation.language === "en" ? "en" : "fr";
  const row = await deps.db.learnerMemory.findUnique({
    where: { userId_courseId: { userId: conversation.userId, courseId: conversation.courseId } },
  });
  const facts = await factsFromTurn(
    deps,
    row ? memoryView(row) : EMPTY,
    { question: answer.replyTo.content, answer: answer.content },
    language,
  );
  const level = facts.level ?? (await courseLevel(deps.db, conversation.userId, conversation.courseId));
  await addToMemory(deps.db, conversation.userId, conversation.courseId, {
    ...facts,
    ...(level !== null && level !== undefined ? { level } : {}),
  });
  await foldConversation(deps, conversation.id);
}
