/**
 * Content from Claude. Lessons stream as Markdown (deltas forwarded as they arrive, with citation
 * markers outside the retrieved set filtered on the fly); the other types are JSON validated by the
 * contract schemas. Invalid output gets one repair request (repair.ts).
 */
import {
  AppError,
  CaseStudyContentSchema,
  CourseStructureSchema,
  FlashcardContentSchema,
  type Language,
  LessonContentSchema,
  QUESTION_TYPES,
  QUIZ_MIN_QUESTIONS,
  QuizContentSchema,
} from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { z } from "zod";
import type { LlmClient } from "../llm/client.ts";
import { buildCaseStudyPrompt } from "../prompts/case-study.ts";
import { buildFlashcardPrompt } from "../prompts/flashcard.ts";
import { buildLessonPrompt } from "../prompts/lesson.ts";
import { buildQuizPrompt, difficultyFloor, mixFloor, quizQuestionCount } from "../prompts/quiz.ts";
import { buildStructurePrompt } from "../prompts/structure.ts";
import { buildSummaryPrompt } from "../prompts/summary.ts";
import { LANGUAGE_NAMES, type Prompt } from "../prompts/system.ts";
import { languageScores } from "../text/language.ts";
import { SUMMARY_MAX_CHARS } from "../text/textrank.ts";
import type { ContentGenerator, GenerateOptions, GenerationResult, RetrievedChunk, StructureInput } from "../types.ts";
import {
  citedNumbers,
  citedNumbersInJson,
  cleanCitations,
  createCitationFilter,
  dropInvalidCitations,
  toSourceRefs,
} from "./citations.ts";
import { parseLessonMarkdown } from "./lesson-markdown.ts";
import { type Checked, completeWithRepair, extractJson, type RepairedOutput, zodIssues } from "./repair.ts";
import {
  createMarkdownSanitizer,
  sanitizeMarkdown,
  sanitizeStrings,
  type UrlPolicy,
  urlsFromDocuments,
  urlsFromSources,
} from "./safe-markdown.ts";

function requireChunks(chunks: RetrievedChunk[]): void {
  if (!chunks.length) throw new AppError("NO_INDEXED_CONTENT");
}

function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Mn}+/gu, "")
    .toLowerCase()
    .trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON reply → citations cleaned → HTML and unknown links removed → type-specific fixes → schema → checks. */
function jsonCheck<S extends z.ZodType>(
  schema: S,
  chunkCount: number | null,
  urls: UrlPolicy,
  options: { sanitize?: (value: unknown) => unknown; rules?: (content: z.infer<S>) => string[] } = {},
) {
  return (text: string): { text: string; checked: Checked<z.infer<S>> } => {
    const extracted = extractJson(text);
    if (extracted.issue) return { text, checked: { issues: [extracted.issue] } };
    let value = chunkCount === null ? extracted.value : dropInvalidCitations(extracted.value, chunkCount);
    value = sanitizeStrings(value, urls);
    if (options.sanitize) value = options.sanitize(value);
    const parsed = schema.safeParse(value);
    if (!parsed.success) return { text, checked: { issues: zodIssues(parsed.error) } };
    const issues = options.rules?.(parsed.data) ?? [];
    return { text, checked: { content: parsed.data, issues } };
  };
}

/**
 * The quiz's count and spread: at least the count asked for (QUIZ_MIN_QUESTIONS at least), every
 * difficulty 1-5 and every type present in the proportions the prompt asks (decision 0050).
 */
function quizRules(count: number) {
  const required = Math.max(QUIZ_MIN_QUESTIONS, count);
  return (content: z.infer<typeof QuizContentSchema>): string[] => {
    const issues: string[] = [];
    const n = content.questions.length;
    if (n < required) issues.push(`questions: ${n} questions with a valid source; at least ${required} are required`);
    content.questions.forEach((q, i) => {
      if (new Set(q.options.map(fold)).size !== q.options.length)
        issues.push(`questions.${i}.options: the 4 options must be distinct`);
    });
    for (const type of QUESTION_TYPES) {
      const have = content.questions.filter((q) => q.type === type).length;
      if (have < mixFloor(required))
        issues.push(`questions: ${have} "${type}" questions; write at least ${mixFloor(required)}`);
    }
    for (const difficulty of [1, 2, 3, 4, 5]) {
      const have = content.questions.filter((q) => q.difficulty === difficulty).length;
      if (have < difficultyFloor(required))
        issues.push(`questions: ${have} of difficulty ${difficulty}; write at least ${difficultyFloor(required)}`);
    }
    return issues;
  };
}

function caseRules(content: z.infer<typeof CaseStudyContentSchema>): string[] {
  return content.correction
    .map((c, i) =>
      c.question_index >= content.questions.length
        ? `correction.${i}.question_index: no question ${c.question_index}`
        : null,
    )
    .filter((x): x is string => x !== null);
}

/** A summary reply: one plain paragraph, in the document's language, within SUMMARY_MAX_CHARS. */
function summaryCheck(language: Language, urls: UrlPolicy) {
  return (text: string): { text: string; checked: Checked<string> } => {
    const lines = sanitizeMarkdown(text, urls)
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const issues: string[] = [];
    if (lines.some((line) => /^(?:#{1,6}\s|[-*+•]\s|\d{1,2}[.)]\s)/u.test(line)))
      issues.push("write one plain paragraph, without headings or lists");
    const summary = lines
      .join(" ")
      .replace(/\s+/g, " ")
      .replace(/^(?:summary|résumé|resume)\s*:\s*/iu, "");
    if (!summary) issues.push("the reply is empty: write the summary");
    if (summary.length > SUMMARY_MAX_CHARS)
      issues.push(`the summary is ${summary.length} characters long; write at most ${SUMMARY_MAX_CHARS}`);
    // Only a clear majority of the other language's words counts: names and terms cross languages.
    const scores = languageScores(summary);
    if (scores[language === "fr" ? "en" : "fr"] > 2 * scores[language] + 2)
      issues.push(`the summary must be written in ${LANGUAGE_NAMES[language]}`);
    return { text: summary, checked: { content: summary, issues } };
  };
}

/** Prerequisites only point backwards and books_sources only name the documents given. */
function sanitizeStructure(input: StructureInput) {
  const documents = new Map(input.documents.map((d) => [d.resourceId, d]));
  return (value: unknown): unknown => {
    if (!isRecord(value) || !Array.isArray(value.modules)) return value;
    const modules = value.modules.map((module: unknown, i: number) => {
      if (!isRecord(module)) return module;
      const prerequisites = Array.isArray(module.prerequisites)
        ? [...new Set(module.prerequisites.filter((p): p is number => Number.isInteger(p) && p >= 0 && p < i))]
        : module.prerequisites;
      const sources =
        isRecord(module.books_sources) && Array.isArray(module.books_sources.resources) ? module.books_sources : null;
      const resources = sources
        ? (sources.resources as unknown[])
            .filter((r) => isRecord(r) && typeof r.resource_id === "string" && documents.has(r.resource_id))
            .map((r) => {
              const entry = r as Record<string, unknown>;
              return { ...entry, filename: documents.get(entry.resource_id as string)?.filename ?? entry.filename };
            })
        : null;
      return { ...module, prerequisites, ...(sources ? { books_sources: { ...sources, resources } } : {}) };
    });
    return { ...value, modules };
  };
}

export function createClaudeGenerator(llm: LlmClient, logger: Logger): ContentGenerator {
  const log = logger.child({ component: "claude-generator" });

  function finish<T>(
    output: RepairedOutput<T>,
    chunks: RetrievedChunk[],
    numbers: number[],
    metadata: Record<string, unknown>,
  ): GenerationResult<T> {
    return {
      content: output.content,
      sourcesCited: toSourceRefs(numbers, chunks),
      model: output.model,
      offline: false,
      usage: output.usage,
      metadata: { offline: false, repaired: output.repaired, stop_reason: output.stopReason, ...metadata },
    };
  }

  async function json<T>(
    what: string,
    prompt: Prompt,
    check: (text: string) => { text: string; checked: Checked<T> },
    options: GenerateOptions | undefined,
  ): Promise<RepairedOutput<T>> {
    return completeWithRepair({ llm, prompt, logger: log, what, signal: options?.signal, check });
  }

  return {
    model: llm.model,
    offline: false,

    async lesson(ctx, chunks, options) {
      requireChunks(chunks);
      const n = chunks.length;
      const filter = createCitationFilter(n);
      const urls = urlsFromSources(chunks);
      // Citations first, then HTML and links: what streams is exactly what is stored.
      const sanitizer = createMarkdownSanitizer(urls);
      let streamed = "";
      const forward = (text: string) => {
        if (!text) return;
        streamed += text;
        options?.onDelta?.(text);
      };
      const check = (text: string, wasStreamed: boolean) => {
        if (wasStreamed) {
          forward(sanitizer.push(filter.flush()));
          forward(sanitizer.flush());
        }
        const markdown = wasStreamed ? streamed : sanitizeMarkdown(cleanCitations(text, n), urls);
        const { parts, issues } = parseLessonMarkdown(markdown);
        const parsed = LessonContentSchema.safeParse({ ...parts, markdown });
        const allIssues = [...issues, ...(parsed.success ? [] : zodIssues(parsed.error))];
        return { text: markdown, checked: { ...(parsed.success ? { content: parsed.data } : {}), issues: allIssues } };
      };
      const output = await completeWithRepair({
        llm,
        prompt: buildLessonPrompt(ctx, chunks),
        logger: log,
        what: "lesson",
        signal: options?.signal,
        onText: (delta) => forward(sanitizer.push(filter.push(delta))),
        check,
      });
      return finish(output, chunks, citedNumbers(output.content.markdown, n), {
        language: ctx.language,
        // The streamed text failed to parse and was replaced: show `content.markdown`, not the stream.
        ...(output.repaired ? { streamed_text_replaced: true } : {}),
      });
    },

    async quiz(ctx, chunks, options) {
      requireChunks(chunks);
      const count = quizQuestionCount(options?.count);
      const output = await json(
        "quiz",
        buildQuizPrompt(ctx, chunks, count, options?.avoid),
        jsonCheck(QuizContentSchema, chunks.length, urlsFromSources(chunks), { rules: quizRules(count) }),
        options,
      );
      return finish(output, chunks, citedNumbersInJson(output.content, chunks.length), {
        language: ctx.language,
        requested: count,
        produced: output.content.questions.length,
      });
    },

    async flashcards(ctx, chunks, options) {
      requireChunks(chunks);
      const count = Math.min(40, Math.max(1, Math.round(options?.count ?? 20)));
      const includeFormula = options?.includeFormula ?? true;
      const sanitize = (value: unknown) => {
        if (!isRecord(value) || !Array.isArray(value.cards)) return value;
        const cards = value.cards
          .slice(0, count)
          .map((c) => (isRecord(c) && !includeFormula ? { ...c, formula: null } : c));
        return { ...value, cards };
      };
      const output = await json(
        "flashcards",
        buildFlashcardPrompt(ctx, chunks, { count, includeFormula }),
        jsonCheck(FlashcardContentSchema, chunks.length, urlsFromSources(chunks), { sanitize }),
        options,
      );
      return finish(output, chunks, citedNumbersInJson(output.content, chunks.length), { language: ctx.language });
    },

    async caseStudy(ctx, chunks, options) {
      requireChunks(chunks);
      const output = await json(
        "case study",
        buildCaseStudyPrompt(ctx, chunks),
        jsonCheck(CaseStudyContentSchema, chunks.length, urlsFromSources(chunks), { rules: caseRules }),
        options,
      );
      return finish(output, chunks, citedNumbersInJson(output.content, chunks.length), { language: ctx.language });
    },

    async structure(input, options) {
      if (!input.documents.length) throw new AppError("NO_INDEXED_CONTENT");
      const output = await json(
        "course structure",
        buildStructurePrompt(input),
        jsonCheck(CourseStructureSchema, null, urlsFromDocuments(input.documents), {
          sanitize: sanitizeStructure(input),
        }),
        options,
      );
      const languages: Language[] = input.languages;
      return finish(output, [], [], { languages });
    },

    async summarize(input, options) {
      if (!input.text.trim()) throw new AppError("NO_INDEXED_CONTENT");
      const { truncated, ...prompt } = buildSummaryPrompt(input);
      const output = await completeWithRepair({
        llm,
        prompt,
        logger: log,
        what: "summary",
        signal: options?.signal,
        check: summaryCheck(input.language, urlsFromSources([{ text: input.text }])),
      });
      return finish(output, [], [], { language: input.language, truncated });
    },
  };
}
