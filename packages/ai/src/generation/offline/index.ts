/**
 * The offline extractive generator: the same schemas as Claude, built only from the retrieved
 * chunks, deterministic, grounded and cited. It is the default when no Anthropic key is set.
 */
import {
  AppError,
  CaseStudyContentSchema,
  CourseStructureSchema,
  FlashcardContentSchema,
  LessonContentSchema,
  QUIZ_MAX_QUESTIONS,
  QUIZ_MIN_QUESTIONS,
  QuizContentSchema,
} from "@sira/contracts";
import type { z } from "zod";
import { SUMMARY_MAX_CHARS, summarizeText } from "../../text/textrank.ts";
import type { ContentGenerator, GenerateOptions, GenerationResult, RetrievedChunk } from "../../types.ts";
import { citedNumbers, citedNumbersInJson, toSourceRefs } from "../citations.ts";
import { parseLessonMarkdown, renderLessonMarkdown } from "../lesson-markdown.ts";
import { sanitizeMarkdown, sanitizeStrings, urlsFromDocuments, urlsFromSources } from "../safe-markdown.ts";
import { buildOfflineCaseStudy } from "./case-study.ts";
import { buildOfflineFlashcards } from "./flashcards.ts";
import { buildOfflineLesson } from "./lesson.ts";
import { buildOfflineQuiz } from "./quiz.ts";
import { buildOfflineStructure } from "./structure.ts";

export const OFFLINE_MODEL = "offline-extractive";
const DELTAS_PER_TURN = 16;

function requireChunks(chunks: RetrievedChunk[]): void {
  if (!chunks.length) throw new AppError("NO_INDEXED_CONTENT");
}

function notEnoughText(what: string): AppError {
  return new AppError("GENERATION_FAILED", {
    details: {
      fr: `Le texte du cours ne suffit pas pour produire : ${what}.`,
      en: `The course text is not enough to produce: ${what}.`,
    },
  });
}

/** Parses with the contract's schema; offline output that does not fit is a bug worth a clear error. */
function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AppError("GENERATION_FAILED", { cause: parsed.error, details: { en: `Offline ${what} is invalid.` } });
  return parsed.data;
}

function result<T>(
  content: T,
  chunks: RetrievedChunk[],
  numbers: number[],
  metadata: Record<string, unknown>,
): GenerationResult<T> {
  return {
    content,
    sourcesCited: toSourceRefs(numbers, chunks),
    model: OFFLINE_MODEL,
    offline: true,
    metadata: { offline: true, ...metadata },
  };
}

/** Emits `text` in word-sized deltas, as a provider would, giving the event loop a turn now and then. */
async function streamWords(text: string, options: GenerateOptions | undefined): Promise<void> {
  const pieces = text.match(/\s*\S+\s*/g) ?? [text];
  for (let i = 0; i < pieces.length; i += 1) {
    options?.signal?.throwIfAborted();
    options?.onDelta?.(pieces[i] ?? "");
    if ((i + 1) % DELTAS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  options?.signal?.throwIfAborted();
}

/** Chunks read by OCR with low confidence go last: questions and cards come from surer text first. */
export function preferConfident(chunks: RetrievedChunk[]): RetrievedChunk[] {
  return [...chunks.filter((c) => !c.lowConfidence), ...chunks.filter((c) => c.lowConfidence)];
}

export function createOfflineGenerator(): ContentGenerator {
  return {
    model: OFFLINE_MODEL,
    offline: true,

    async lesson(ctx, chunks, options) {
      options?.signal?.throwIfAborted();
      requireChunks(chunks);
      // Sentences come from the documents verbatim: their HTML and unknown links go, as for Claude.
      const markdown = sanitizeMarkdown(
        renderLessonMarkdown(buildOfflineLesson(ctx, chunks), ctx.language),
        urlsFromSources(chunks),
      );
      const { parts, issues } = parseLessonMarkdown(markdown);
      if (issues.length)
        throw new AppError("GENERATION_FAILED", { details: { en: `Offline lesson: ${issues.join("; ")}` } });
      const content = validated(LessonContentSchema, { ...parts, markdown }, "lesson");
      await streamWords(markdown, options);
      return result(content, chunks, citedNumbers(markdown, chunks.length), { language: ctx.language });
    },

    async quiz(ctx, given, options) {
      options?.signal?.throwIfAborted();
      requireChunks(given);
      const chunks = preferConfident(given);
      const requested = Math.min(QUIZ_MAX_QUESTIONS, Math.max(1, Math.round(options?.count ?? QUIZ_MIN_QUESTIONS)));
      const questions = buildOfflineQuiz({
        ctx,
        chunks,
        count: requested,
        distractorPool: options?.distractorPool ?? [],
        avoid: options?.avoid ?? [],
      });
      if (!questions.length) throw notEnoughText("quiz");
      const content = validated(QuizContentSchema, sanitizeStrings({ questions }, urlsFromSources(chunks)), "quiz");
      return result(content, chunks, citedNumbersInJson(content, chunks.length), {
        language: ctx.language,
        requested,
        produced: content.questions.length,
      });
    },

    async flashcards(ctx, given, options) {
      options?.signal?.throwIfAborted();
      requireChunks(given);
      const chunks = preferConfident(given);
      const count = Math.min(40, Math.max(1, Math.round(options?.count ?? 20)));
      const built = buildOfflineFlashcards(ctx, chunks, { count, includeFormula: options?.includeFormula ?? true });
      if (!built.cards.length) throw notEnoughText("flashcards");
      const cards = sanitizeStrings({ cards: built.cards }, urlsFromSources(chunks));
      const content = validated(FlashcardContentSchema, cards, "flashcards");
      return result(content, chunks, citedNumbersInJson(content, chunks.length), {
        language: ctx.language,
        untranslated_cards: built.untranslated,
        from_salient_terms: built.fromSalientTerms,
      });
    },

    async caseStudy(ctx, chunks, options) {
      options?.signal?.throwIfAborted();
      requireChunks(chunks);
      const built = sanitizeStrings(buildOfflineCaseStudy(ctx, chunks), urlsFromSources(chunks));
      const content = validated(CaseStudyContentSchema, built, "case study");
      return result(content, chunks, citedNumbersInJson(content, chunks.length), { language: ctx.language });
    },

    async structure(input, options) {
      options?.signal?.throwIfAborted();
      if (!input.documents.length) throw new AppError("NO_INDEXED_CONTENT");
      const built = buildOfflineStructure(input);
      // Titles come from the documents' outlines: their HTML goes, as in every generated text.
      const structure = sanitizeStrings(built.structure, urlsFromDocuments(input.documents));
      const content = validated(CourseStructureSchema, structure, "structure");
      return result(content, [], [], { needs_translation: built.needsTranslation });
    },

    async summarize(input, options) {
      options?.signal?.throwIfAborted();
      if (!input.text.trim()) throw new AppError("NO_INDEXED_CONTENT");
      // The document's own central sentences (TextRank), in its language: nothing to translate.
      const summary = summarizeText(input.text, { maxChars: SUMMARY_MAX_CHARS, language: input.language });
      if (!summary.text) throw notEnoughText("summary");
      const content = sanitizeMarkdown(summary.text, urlsFromSources([{ text: input.text }]));
      return result(content, [], [], { language: input.language, sentences: summary.sentences.length });
    },
  };
}
