/**
 * Generated content: what the generators (Claude or the offline extractive one) must produce,
 * validated with these schemas before anything is cached or shown. Text may carry citation
 * markers `[n]`, where n is the 1-based position of a chunk in the retrieved set the generator
 * was given; `sources_cited` resolves the markers that point inside that set (others are dropped).
 */
import { z } from "zod";
import { LANGUAGES } from "./errors.ts";

export const CONTENT_TYPES = ["lesson", "quiz", "flashcard", "case"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const BLOOM_LEVELS = ["remember", "understand", "apply", "analyze", "evaluate", "create"] as const;
export type BloomLevel = (typeof BLOOM_LEVELS)[number];

export const QUESTION_TYPES = ["recall", "application", "analysis"] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const UNIT_TYPES = ["lesson", "quiz", "case_study", "flashcards"] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** A 1-based reference into the retrieved chunks the generator was given. */
const citationIndex = z.number().int().min(1);

/** A retrieved chunk a piece of content cites (stored in `sources_cited`). */
export const SourceRefSchema = z.object({
  chunk_id: z.uuid(),
  resource_id: z.uuid(),
  source: z.string(),
  chapter: z.string().nullable(),
  page: z.number().int().min(1).nullable(),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const LessonConceptSchema = z.object({
  title: z.string().min(1).max(200),
  explanation: z.string().min(1),
});

/** Intro → concepts → contextual example → synthesis → 5 key points. */
export const LessonContentSchema = z.object({
  title: z.string().min(1).max(200),
  introduction: z.string().min(1),
  concepts: z.array(LessonConceptSchema).min(1).max(8),
  example: z.object({ title: z.string().min(1).max(200), body: z.string().min(1) }),
  synthesis: z.string().min(1),
  key_points: z.array(z.string().min(1)).length(5),
  /** The lesson as the Markdown that was streamed (replayed as-is for cached lessons). */
  markdown: z.string().min(1),
});
export type LessonContent = z.infer<typeof LessonContentSchema>;

/** One multiple-choice question: 4 options, 1 correct, explanation and source. */
export const QuizQuestionSchema = z.object({
  question: z.string().min(1),
  options: z.array(z.string().min(1)).length(4),
  correct_index: z.number().int().min(0).max(3),
  explanation: z.string().min(1),
  source: citationIndex,
  difficulty: z.number().int().min(1).max(5),
  type: z.enum(QUESTION_TYPES),
  /** The concept the question tests (links quiz answers to flashcards of the same concept). */
  concept: z.string().min(1).max(200),
});
export type QuizQuestion = z.infer<typeof QuizQuestionSchema>;

export const QUIZ_MIN_QUESTIONS = 10;
export const QUIZ_MAX_QUESTIONS = 40;
/**
 * Questions generated for a quiz bank (a module's, per language): deeper than the 20-item summative
 * test, so a test and its retake can draw different items, spread over difficulties 1-5 and over
 * recall, application and analysis (decision 0050).
 */
export const QUIZ_BANK_QUESTIONS = 30;

/**
 * 10-40 questions are asked for (QUIZ_BANK_QUESTIONS for a bank); the offline generator may produce
 * fewer when the course text is short (it never invents), so the schema's floor is 1 and
 * `metadata.requested` keeps the ask.
 */
export const QuizContentSchema = z.object({
  questions: z.array(QuizQuestionSchema).min(1).max(QUIZ_MAX_QUESTIONS),
});
export type QuizContent = z.infer<typeof QuizContentSchema>;

/** FR term → FR/EN definition + contextual example + formula. */
export const FlashcardSchema = z.object({
  term_fr: z.string().min(1).max(200),
  term_en: z.string().min(1).max(200),
  definition_fr: z.string().min(1),
  definition_en: z.string().min(1),
  example: z.string().min(1),
  formula: z.string().nullable(),
  source: citationIndex,
  concept: z.string().min(1).max(200),
});
export type Flashcard = z.infer<typeof FlashcardSchema>;

export const FlashcardContentSchema = z.object({ cards: z.array(FlashcardSchema).min(1).max(40) });
export type FlashcardContent = z.infer<typeof FlashcardContentSchema>;

/** Contextual scenario → data → guided questions → annotated correction. */
export const CaseStudyContentSchema = z.object({
  title: z.string().min(1).max(200),
  scenario: z.string().min(1),
  data: z.array(z.object({ label: z.string().min(1), value: z.string().min(1) })).min(1),
  questions: z
    .array(z.object({ question: z.string().min(1), hint: z.string().nullable() }))
    .min(1)
    .max(10),
  correction: z
    .array(
      z.object({ question_index: z.number().int().min(0), answer: z.string().min(1), annotation: z.string().min(1) }),
    )
    .min(1),
});
export type CaseStudyContent = z.infer<typeof CaseStudyContentSchema>;

export const CONTENT_SCHEMAS = {
  lesson: LessonContentSchema,
  quiz: QuizContentSchema,
  flashcard: FlashcardContentSchema,
  case: CaseStudyContentSchema,
} as const;

export type ContentOf<T extends ContentType> = z.infer<(typeof CONTENT_SCHEMAS)[T]>;

/** One entry of a document outline (`course_resources.toc_json`), flattened in reading order. */
export const TocEntrySchema = z.object({
  title: z.string(),
  level: z.number().int().min(1),
  page: z.number().int().min(1).nullable(),
});
export type TocEntry = z.infer<typeof TocEntrySchema>;

/** Where a proposed module's material comes from. */
export const BooksSourcesSchema = z.object({
  resources: z.array(
    z.object({
      resource_id: z.uuid(),
      filename: z.string(),
      chapters: z.array(z.string()),
      pages: z.object({ from: z.number().int().min(1), to: z.number().int().min(1) }).nullable(),
    }),
  ),
});
export type BooksSources = z.infer<typeof BooksSourcesSchema>;

export const ProposedUnitSchema = z.object({
  title_fr: z.string().min(1).max(200),
  title_en: z.string().min(1).max(200),
  description_fr: z.string().nullable(),
  description_en: z.string().nullable(),
  unit_type: z.enum(UNIT_TYPES),
  estimated_minutes: z.number().int().min(1).max(600),
});

export const ProposedModuleSchema = z.object({
  title_fr: z.string().min(1).max(200),
  title_en: z.string().min(1).max(200),
  description_fr: z.string().min(1),
  description_en: z.string().min(1),
  level: z.number().int().min(1).max(4),
  estimated_hours: z.number().int().min(1).max(200),
  bloom_level: z.enum(BLOOM_LEVELS),
  objectives_fr: z.array(z.string().min(1)).max(10),
  objectives_en: z.array(z.string().min(1)).max(10),
  /** 0-based positions of earlier modules in this proposal. */
  prerequisites: z.array(z.number().int().min(0)),
  books_sources: BooksSourcesSchema,
  units: z.array(ProposedUnitSchema).min(1).max(20),
});
export type ProposedModule = z.infer<typeof ProposedModuleSchema>;

export const CourseStructureSchema = z.object({
  modules: z.array(ProposedModuleSchema).min(1).max(30),
});
export type CourseStructure = z.infer<typeof CourseStructureSchema>;

export const GenerationLanguageSchema = z.enum(LANGUAGES);
