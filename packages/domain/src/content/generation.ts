/**
 * The content-generation job: retrieve the course's chunks, call the generator (streaming a
 * lesson's text to Redis as it comes), store the result once under its cache key, then queue the
 * same content in the other language. Safe to run twice: a key already cached is left alone, and a
 * regeneration applies only to the version it was asked for.
 */
import { randomUUID } from "node:crypto";
import type { GenerationResult, KnownQuestion, RetrievedChunk } from "@sira/ai";
import { AppError, QUIZ_BANK_QUESTIONS, type QuizContent } from "@sira/contracts";
import { enqueue, jobFailedAt } from "../jobs/enqueue.ts";
import { isPermanentJobFailure } from "../jobs/failures.ts";
import type { JobPayload } from "../jobs/registry.ts";
import {
  type CachedContent,
  findCachedContent,
  type GeneratedPayload,
  invalidateHotCopy,
  replaceGeneratedContent,
  storeGeneratedContent,
  writeHotCopy,
} from "./cache.ts";
import { type CacheKey, generationJobId, generationStreamKey, otherLanguage } from "./cache-key.ts";
import { contentSubject } from "./context.ts";
import type { ContentDeps } from "./deps.ts";
import { GenerationPublisher } from "./generation-stream.ts";

export type GenerationJobData = JobPayload<"generate">;

export type GenerationOutcome = { status: "cached" | "generated" | "regenerated" | "stale"; contentId: string | null };

/** Questions generated per quiz content (a module's bank per language): decision 0050. */
export const QUIZ_QUESTION_COUNT = QUIZ_BANK_QUESTIONS;
export const FLASHCARD_COUNT = 12;
const TOP_K = 8;
/** Chunks a quiz generation reads (a top-up reads more: decision 0067). */
export const QUIZ_TOP_K = 24;

/** Queues generation of `key` (one job per key, whoever asks). */
export function enqueueGeneration(deps: Pick<ContentDeps, "config">, data: GenerationJobData) {
  return enqueue(deps, "generate", data, generationJobId(data.key));
}

/** How long a generation that failed for good rests before learner traffic may run it (and pay) again. */
export const GENERATION_FAILURE_COOLDOWN_MS = 10 * 60_000;

/**
 * Queues `key`'s generation for learner traffic, unless it failed for good less than the cool-down
 * ago: then the seconds left, and nothing runs. Only the failure read here is run again: one that
 * came since (another request's run, failing fast) starts its own cool-down instead.
 */
export function enqueueGenerationAfterCoolDown(
  deps: Pick<ContentDeps, "config">,
  data: GenerationJobData,
): Promise<number> {
  return enqueueAfterCoolDown(deps, "generate", data, generationJobId(data.key));
}

/** The rule of enqueueGenerationAfterCoolDown for any generation job under its own id. */
export async function enqueueAfterCoolDown<N extends "generate" | "top-up-quiz-bank">(
  deps: Pick<ContentDeps, "config">,
  name: N,
  data: JobPayload<N>,
  jobId: string,
): Promise<number> {
  const failedAt = await jobFailedAt(deps, name, jobId);
  const left = failedAt ? GENERATION_FAILURE_COOLDOWN_MS - (Date.now() - failedAt.getTime()) : 0;
  if (left > 0) return Math.ceil(left / 1000);
  await enqueue(deps, name, data, jobId, failedAt?.getTime() ?? null);
  return 0;
}

/**
 * A module quiz's questions for `key` from the course's chunks: `topK` of the module's, then twice
 * as many of its topic's as distractors; `avoid` names questions the bank already holds.
 */
export async function generateQuizQuestions(
  deps: ContentDeps,
  key: CacheKey,
  options: { topK?: number; avoid?: readonly KnownQuestion[]; signal?: AbortSignal | undefined } = {},
): Promise<GenerationResult<QuizContent>> {
  const subject = await contentSubject(deps.db, key);
  const topK = options.topK ?? QUIZ_TOP_K;
  const search = (query: string, k: number) =>
    deps.ai.retriever.search(query, { courseId: subject.courseId, topK: k, language: key.language });
  // A 30-item bank needs more text than a lesson: the module's chunks, then the topic's as distractors.
  const bankChunks = await search(subject.query, topK);
  if (bankChunks.length === 0) throw new AppError("NO_INDEXED_CONTENT");
  const distractorPool: RetrievedChunk[] = await search(subject.context.topic, topK * 2);
  return deps.ai.generator.quiz(subject.context, bankChunks, {
    ...(options.signal ? { signal: options.signal } : {}),
    count: QUIZ_QUESTION_COUNT,
    distractorPool,
    ...(options.avoid?.length ? { avoid: options.avoid } : {}),
  });
}

async function generate(
  deps: ContentDeps,
  key: CacheKey,
  signal: AbortSignal | undefined,
  onDelta: (text: string) => void,
): Promise<GenerationResult<unknown>> {
  const subject = await contentSubject(deps.db, key);
  const { retriever, generator } = deps.ai;
  const search = (query: string, topK: number) =>
    retriever.search(query, { courseId: subject.courseId, topK, language: key.language });
  const chunks = await search(subject.query, TOP_K);
  if (chunks.length === 0) throw new AppError("NO_INDEXED_CONTENT");
  const options = signal ? { signal } : {};
  switch (key.contentType) {
    case "lesson":
      return generator.lesson(subject.context, chunks, { ...options, onDelta });
    case "quiz": {
      // A 30-item bank needs more text than a lesson: the module's chunks, then the topic's as distractors.
      const bankChunks = await search(subject.query, QUIZ_TOP_K);
      const distractorPool: RetrievedChunk[] = await search(subject.context.topic, QUIZ_TOP_K * 2);
      return generator.quiz(subject.context, bankChunks, { ...options, count: QUIZ_QUESTION_COUNT, distractorPool });
    }
    case "flashcard":
      return generator.flashcards(subject.context, chunks, {
        ...options,
        count: FLASHCARD_COUNT,
        includeFormula: true,
      });
    case "case":
      return generator.caseStudy(subject.context, chunks, options);
  }
}

function payloadOf(key: CacheKey, result: GenerationResult<unknown>): GeneratedPayload {
  return {
    content: result.content,
    sourcesCited: result.sourcesCited,
    model: result.model,
    metadata: {
      ...result.metadata,
      offline: result.offline,
      ...(result.usage ? { usage: result.usage } : {}),
      ...(key.contentType === "quiz" ? { requested: QUIZ_QUESTION_COUNT } : {}),
    },
  };
}

/** Which attempt of its job a run is: only the last one (or a permanent failure) ends readers' streams. */
export interface GenerationAttempt {
  /** 1 for the job's first run. */
  attempt: number;
  lastAttempt: boolean;
}

/**
 * Runs one generation job (see the module comment). A failure that the queue will retry leaves the
 * lesson's stream open: readers keep waiting, and the next attempt's `start` (another run, a higher
 * attempt) tells them to reset and take the new text. Only a permanent failure or the last attempt
 * publishes `error`, which ends their streams.
 */
export async function runGeneration(
  deps: ContentDeps,
  data: GenerationJobData,
  signal?: AbortSignal,
  run: GenerationAttempt = { attempt: 1, lastAttempt: true },
): Promise<GenerationOutcome> {
  const { key, regenerate } = data;
  if (!regenerate) {
    const cached = await findCachedContent(deps, key);
    if (cached) return { status: "cached", contentId: cached.id };
  }
  const publisher = regenerate ? null : new GenerationPublisher(deps.redis, generationStreamKey(key));
  await publisher?.start(randomUUID(), run.attempt);
  let stored: CachedContent | null;
  let replaced = false;
  try {
    const result = await generate(deps, key, signal, (text) => publisher?.delta(text));
    replaced = result.metadata?.streamed_text_replaced === true;
    const payload = payloadOf(key, result);
    stored = regenerate
      ? await replaceGeneratedContent(deps.db, regenerate.contentId, regenerate.expectedVersion, payload)
      : await storeGeneratedContent(deps.db, key, payload);
  } catch (error) {
    if (run.lastAttempt || isPermanentJobFailure(error)) {
      const code = error instanceof AppError && error.status < 500 ? error.code : "GENERATION_FAILED";
      await publisher?.finish({ type: "error", code });
    } else {
      // Retried: the text so far stays in the stream until the next attempt starts a new run.
      await publisher?.settle();
      deps.logger.warn(
        { err: error, attempt: run.attempt, content_type: key.contentType },
        "generation attempt failed; the job is retried and its readers wait",
      );
    }
    throw error;
  }
  if (!stored) return { status: "stale", contentId: regenerate?.contentId ?? null };
  await invalidateHotCopy(deps.redis, key);
  await writeHotCopy(deps.redis, key, stored);
  await publisher?.finish({
    type: "done",
    content_id: stored.id,
    version: stored.version,
    sources: stored.sourcesCited,
    ...(replaced ? { replaced: true } : {}),
  });
  if (data.alsoOtherLanguage) {
    await enqueueGeneration(deps, { key: { ...key, language: otherLanguage(key.language) } });
  }
  deps.logger.info(
    { content_id: stored.id, content_type: key.contentType, language: key.language, version: stored.version },
    regenerate ? "content regenerated" : "content generated",
  );
  return { status: regenerate ? "regenerated" : "generated", contentId: stored.id };
}
