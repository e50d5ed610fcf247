/**
 * The worker's side of a tutor answer, run once per question (the job's id is the answer's):
 * retrieve the course's chunks for the question (favouring the module or unit studied), keep those
 * above the relevance floor, build the request (memory, rolling summary, recent turns, sources),
 * stream the model's answer through the sink to the answer's Redis stream, and store it with the
 * sources it cites. Nothing relevant: the "not covered" answer, without asking the model. A
 * provider error is retried once as a new attempt; a second one fails the answer and gives the
 * message back. Nobody listening any more stops the provider and keeps the partial answer (none
 * written yet: the answer fails and the message is given back).
 */

import { randomUUID } from "node:crypto";
import {
  type AiProviders,
  citedNumbers,
  guardedRefusal,
  HASHING_MODEL,
  itemsAskedAbout,
  LEXICAL_FLOOR,
  notCoveredAnswer,
  type OpenQuizItem,
  type RetrievedChunk,
  reciprocalRankFusion,
  relevantChunks,
  type TutorMemoryView,
  type TutorRequest,
  type TutorTurn,
  toSourceRefs,
} from "@sira/ai";
import type { Language, TutorCitation } from "@sira/contracts";
import type { Config } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import { GenerationPublisher } from "../content/generation-stream.ts";
import { enqueue } from "../jobs/enqueue.ts";
import { failTutorAnswer } from "./answer-failure.ts";
import { AnswerSink } from "./answer-sink.ts";
import { answerStreamKey, type TutorEntry, watchAbandonment } from "./answer-stream.ts";
import type { TutorDeps } from "./ask.ts";
import { tutorSubject } from "./course.ts";
import { memoryView } from "./memory.ts";

export type TutorJobDeps = TutorDeps & {
  ai: AiProviders;
  config: Pick<
    Config,
    | "QUEUE_PREFIX"
    | "TUTOR_ABANDON_AFTER_MS"
    | "TUTOR_PROMPT_BUDGET_TOKENS"
    | "TUTOR_ANSWER_MAX_TOKENS"
    | "TUTOR_RELEVANCE_FLOOR"
    | "AI_INPUT_PRICE_PER_MTOK_USD"
    | "AI_OUTPUT_PRICE_PER_MTOK_USD"
  >;
};

/** What an answer cost: a price per million tokens in dollars is a price per token in micro-dollars. */
function modelCostMicros(
  config: Pick<Config, "AI_INPUT_PRICE_PER_MTOK_USD" | "AI_OUTPUT_PRICE_PER_MTOK_USD">,
  outcome: { offline: boolean; tokensIn: number; tokensOut: number },
): number {
  if (outcome.offline) return 0;
  return Math.round(
    outcome.tokensIn * config.AI_INPUT_PRICE_PER_MTOK_USD + outcome.tokensOut * config.AI_OUTPUT_PRICE_PER_MTOK_USD,
  );
}

/** Chunks the answer may cite. */
export const TUTOR_TOP_K = 8;
/** Candidates retrieved before the relevance floor and the study-place preference. */
const CANDIDATES = 16;
/** Turns handed to the prompt builder at most (it keeps fewer to fit its budget). */
const HISTORY_TURNS = 40;

interface Turn {
  answerId: string;
  question: { id: string; content: string; createdAt: Date };
  conversation: {
    id: string;
    userId: string;
    courseId: string;
    moduleId: string | null;
    unitId: string | null;
    language: Language;
    summary: string | null;
    summarizedCount: number;
  };
  user: { role: string; country: string };
}

async function loadTurn(db: Db, answerId: string): Promise<Turn | null> {
  const answer = await db.tutorMessage.findUnique({
    where: { id: answerId },
    select: {
      status: true,
      replyTo: { select: { id: true, content: true, createdAt: true } },
      conversation: { include: { user: { select: { role: true, country: true } } } },
    },
  });
  if (!answer?.replyTo || answer.status !== "streaming") return null;
  const { conversation } = answer;
  return {
    answerId,
    question: answer.replyTo,
    conversation: { ...conversation, language: conversation.language === "en" ? "en" : "fr" },
    user: conversation.user,
  };
}

/** The turns before the question that the summary does not cover yet, oldest first. */
async function recentTurns(db: Db, turn: Turn): Promise<TutorTurn[]> {
  const rows = await db.tutorMessage.findMany({
    where: {
      conversationId: turn.conversation.id,
      createdAt: { lt: turn.question.createdAt },
      status: { in: ["complete", "incomplete"] },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    skip: turn.conversation.summarizedCount,
    select: { role: true, content: true },
  });
  return rows
    .filter((r) => r.content.trim())
    .slice(-HISTORY_TURNS)
    .map((r) => ({ role: r.role === "assistant" ? "assistant" : "user", content: r.content }));
}

/** The presented, unanswered items of the learner's open quiz attempts. */
export async function openQuizItems(db: Db, userId: string): Promise<OpenQuizItem[]> {
  const attempts = await db.quizAttempt.findMany({
    where: { userId, status: "in_progress", currentItemId: { not: null } },
    select: { currentItem: { select: { stem: true, options: true, correctOption: true, explanation: true } } },
  });
  return attempts.flatMap(({ currentItem: item }) =>
    item && Array.isArray(item.options)
      ? [
          {
            stem: item.stem,
            options: item.options.map(String),
            correctIndex: item.correctOption,
            explanation: item.explanation,
          },
        ]
      : [],
  );
}

/** A short follow-up ("et pourquoi ?") is searched with the learner's previous question. */
function searchText(question: string, history: TutorTurn[]): string {
  if (question.split(/\s+/).length >= 6) return question;
  const previous = [...history].reverse().find((t) => t.role === "user");
  return previous ? `${previous.content}\n${question}` : question;
}

async function retrieve(
  deps: TutorJobDeps,
  courseId: string,
  query: string,
  studyQuery: string | null,
  language: Language,
): Promise<RetrievedChunk[]> {
  const candidates = await deps.ai.retriever.search(query, { courseId, topK: CANDIDATES, language });
  // The offline embedder's scores are word overlap already: only the lexical floor applies to it.
  const vectorFloor =
    deps.ai.embedder.model === HASHING_MODEL ? Number.POSITIVE_INFINITY : deps.config.TUTOR_RELEVANCE_FLOOR;
  const relevant = relevantChunks(query, candidates, { vectorFloor, lexicalFloor: LEXICAL_FLOOR });
  if (!studyQuery || relevant.length <= TUTOR_TOP_K) return relevant.slice(0, TUTOR_TOP_K);
  const near = await deps.ai.retriever.search(`${query}\n${studyQuery}`, { courseId, topK: CANDIDATES, language });
  const ids = new Set(relevant.map((c) => c.id));
  const byId = new Map(relevant.map((c) => [c.id, c]));
  const fused = reciprocalRankFusion([
    { results: relevant },
    { results: near.filter((c) => ids.has(c.id)), weight: 0.5 },
  ]);
  return fused.slice(0, TUTOR_TOP_K).flatMap((c) => byId.get(c.id) ?? []);
}

function citationsOf(text: string, chunks: RetrievedChunk[]): TutorCitation[] {
  const numbers = citedNumbers(text, chunks.length);
  const refs = toSourceRefs(numbers, chunks);
  return refs.map((ref, i) => ({ ...ref, n: numbers[i] ?? 0 }));
}

type Answered = {
  kind: "answered";
  text: string;
  status: "complete" | "incomplete";
  model: string | null;
  tokensIn: number;
  tokensOut: number;
  offline: boolean;
};
/** Failed: what the provider billed for the attempts anyway (their tokens, its model). */
type Failed = { kind: "failed"; model: string | null; tokensIn: number; tokensOut: number; offline: boolean };
type Outcome = Answered | Failed;

/** Streams `text` (a fixed answer) through a new attempt, as the model's text would go. */
async function publishFixed(publisher: GenerationPublisher<TutorEntry>, attempt: number, text: string): Promise<void> {
  await publisher.start(randomUUID(), attempt);
  publisher.delta(text);
}

interface Attempts {
  deps: TutorJobDeps;
  request: TutorRequest;
  publisher: GenerationPublisher<TutorEntry>;
  /** Fires when nobody listens any more, or the worker shuts down. */
  leave: AbortSignal;
  log: { answerId: string };
}

/**
 * The model's answer, in at most two attempts (a provider error is retried once). A leak of an
 * open quiz key stops the attempt and a guiding refusal is streamed instead; nobody listening
 * stops it and keeps what was written as incomplete. `attempt` counts the stream's runs. The
 * tokens are every attempt's, as the provider billed them, also for attempts stopped or failed.
 */
async function modelAnswer(run: Attempts, firstAttempt: number): Promise<{ outcome: Outcome; attempts: number }> {
  const { deps, request, publisher } = run;
  const tutor = deps.ai.tutor;
  const fallback = { model: tutor.model, tokensIn: 0, tokensOut: 0, offline: tutor.offline };
  // Billed by attempts that failed and were retried.
  const earlier = { tokensIn: 0, tokensOut: 0 };
  const spent = (usage: typeof fallback) => ({
    ...usage,
    tokensIn: earlier.tokensIn + usage.tokensIn,
    tokensOut: earlier.tokensOut + usage.tokensOut,
  });
  let attempt = firstAttempt;
  for (let tries = 0; tries < 2; tries++) {
    attempt += 1;
    await publisher.start(randomUUID(), attempt);
    const sink = new AnswerSink(publisher, request.chunks.length, request.guardedItems, request.course.language);
    let usage = fallback;
    try {
      const answer = await tutor.answer(request, {
        budgetTokens: deps.config.TUTOR_PROMPT_BUDGET_TOKENS,
        maxTokens: deps.config.TUTOR_ANSWER_MAX_TOKENS,
        signal: AbortSignal.any([run.leave, sink.leak.signal]),
        onText: (delta) => sink.push(delta),
        onUsage: (billed) => {
          usage = { ...fallback, tokensIn: billed.inputTokens, tokensOut: billed.outputTokens };
        },
      });
      sink.end();
      usage = {
        model: answer.model,
        tokensIn: answer.inputTokens,
        tokensOut: answer.outputTokens,
        offline: answer.offline,
      };
      if (!sink.leaked)
        return {
          outcome: { kind: "answered", text: sink.text, status: "complete", ...spent(usage) },
          attempts: attempt,
        };
    } catch (error) {
      if (!sink.leaked && run.leave.aborted) {
        return {
          outcome: { kind: "answered", text: sink.text, status: "incomplete", ...spent(usage) },
          attempts: attempt,
        };
      }
      if (!sink.leaked) {
        deps.logger.warn({ err: error, answer_id: run.log.answerId, attempt }, "tutor answer attempt failed");
        earlier.tokensIn += usage.tokensIn;
        earlier.tokensOut += usage.tokensOut;
        continue;
      }
    }
    const text = guardedRefusal(request.course.language, request.guardedItems[0]);
    await publishFixed(publisher, attempt + 1, text);
    return { outcome: { kind: "answered", text, status: "complete", ...spent(usage) }, attempts: attempt + 1 };
  }
  return { outcome: { kind: "failed", ...spent(fallback) }, attempts: attempt };
}

export async function answerTutorQuestion(
  deps: TutorJobDeps,
  answerId: string,
  jobSignal?: AbortSignal,
): Promise<void> {
  const turn = await loadTurn(deps.db, answerId);
  if (!turn) return; // answered already (a retried job), or deleted with its conversation
  const { conversation } = turn;
  const language = conversation.language;
  const viewer = { userId: conversation.userId, role: turn.user.role as "learner" };
  const place = { courseId: conversation.courseId, moduleId: conversation.moduleId, unitId: conversation.unitId };
  const [subject, history, memoryRow, openItems] = await Promise.all([
    tutorSubject(deps.db, viewer, place, language, turn.user.country),
    recentTurns(deps.db, turn),
    deps.db.learnerMemory.findUnique({
      where: { userId_courseId: { userId: conversation.userId, courseId: conversation.courseId } },
    }),
    openQuizItems(deps.db, conversation.userId),
  ]);
  const question = turn.question.content;
  const chunks = await retrieve(
    deps,
    conversation.courseId,
    searchText(question, history),
    subject.studyQuery,
    language,
  );
  const guardedItems = itemsAskedAbout(question, openItems);
  const memory: TutorMemoryView | null = memoryRow ? memoryView(memoryRow) : null;
  const request: TutorRequest = {
    course: subject.course,
    question,
    memory,
    summary: conversation.summary,
    history,
    chunks,
    guardedItems,
  };

  const publisher = new GenerationPublisher<TutorEntry>(deps.redis, answerStreamKey(answerId));
  const abandon = watchAbandonment(
    deps.redis,
    answerId,
    Math.max(100, Math.floor(deps.config.TUTOR_ABANDON_AFTER_MS / 4)),
  );
  const leave = AbortSignal.any([abandon.signal, ...(jobSignal ? [jobSignal] : [])]);
  let outcome: Outcome;
  let attempt = 0;
  try {
    if (chunks.length) {
      ({ outcome, attempts: attempt } = await modelAnswer({ deps, request, publisher, leave, log: { answerId } }, 0));
    } else {
      const text = notCoveredAnswer(language, subject.course.courseTitle);
      attempt = 1;
      await publishFixed(publisher, attempt, text);
      outcome = { kind: "answered", text, status: "complete", model: null, tokensIn: 0, tokensOut: 0, offline: true };
    }
  } finally {
    abandon.stop();
  }

  const usage = (tx: Tx, metadata: Record<string, unknown>) =>
    tx.usageEvent.create({
      data: {
        userId: conversation.userId,
        courseId: conversation.courseId,
        kind: "tutor_message",
        metadata: { answer_id: answerId, conversation_id: conversation.id, attempts: attempt, ...metadata },
      },
    });
  // Left before the first word: the learner got nothing, so the message is given back as for a failure.
  if (outcome.kind === "failed" || (outcome.status === "incomplete" && !outcome.text.trim())) {
    const spent = {
      tokensIn: outcome.tokensIn,
      tokensOut: outcome.tokensOut,
      costMicros: modelCostMicros(deps.config, outcome),
    };
    await failTutorAnswer(deps, answerId, { attempts: attempt, model: deps.ai.tutor.model, publisher, spent });
    return;
  }
  const sources = citationsOf(outcome.text, chunks);
  const stored = await deps.db.$transaction(async (tx) => {
    const updated = await tx.tutorMessage.updateMany({
      where: { id: answerId, status: "streaming" },
      data: {
        content: outcome.text,
        status: outcome.status,
        sourcesCited: sources,
        model: outcome.model,
        inputTokens: outcome.tokensIn,
        outputTokens: outcome.tokensOut,
      },
    });
    if (updated.count === 0) return false;
    await usage(tx, {
      model: outcome.model,
      offline: outcome.offline,
      tokens_in: outcome.tokensIn,
      tokens_out: outcome.tokensOut,
      cost_micros: modelCostMicros(deps.config, outcome),
      status: outcome.status,
      sources: sources.length,
      covered: chunks.length > 0,
    });
    return true;
  });
  await publisher.finish({ type: "done", status: outcome.status, sources });
  if (!stored) return;
  await enqueue(deps, "tutor-memory", { answerId }, `tutor-memory-${answerId}`);
}
