/**
 * The seams of the RAG engine. Each outside provider (embeddings, LLM) has a real client chosen
 * when its key is configured and an offline default that really works; callers only see these.
 */
import type {
  BloomLevel,
  CaseStudyContent,
  CourseStructure,
  FlashcardContent,
  Language,
  LessonContent,
  QuizContent,
  SourceRef,
  TocEntry,
} from "@sira/contracts";
import type { ImageGenerator } from "./images/types.ts";
import type { SpeechSynthesizer } from "./tts/types.ts";
import type { TutorModel } from "./tutor/model.ts";

/** Turns text into vectors of `dimensions` numbers. A chunk records `model`; queries never mix models. */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. `kind` lets a provider treat queries and documents differently. */
  embed(texts: string[], kind?: "document" | "query"): Promise<number[][]>;
}

/** A page of extracted text (1-based page number; null for formats without pages). */
export interface PageText {
  page: number | null;
  text: string;
}

/** A piece of a document ready to embed. */
export interface TextChunk {
  index: number;
  text: string;
  tokenCount: number;
  page: number | null;
  chapter: string | null;
  language: Language;
  /** Starts on a page read by OCR with low confidence. */
  lowConfidence?: boolean;
}

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
  /** The document's outline: chunks do not straddle a heading where it can be helped. */
  outline?: TocEntry[];
  /**
   * Whether a numbered plain-text line ("2.3 Les vaccins") may be taken for a heading when there is
   * no outline (default true). Off for formats whose extractor already marks headings ("#" lines):
   * there, "1. Creuser les poquets" is a list item.
   */
  numberedHeadings?: boolean;
}

/** A chunk returned by the retriever. `score` is higher for better matches. */
export interface RetrievedChunk {
  id: string;
  courseId: string;
  resourceId: string;
  chunkIndex: number;
  text: string;
  source: string;
  chapter: string | null;
  page: number | null;
  language: Language;
  score: number;
  /** Read by OCR with low confidence: generation weighs it less and the prompt says so. */
  lowConfidence?: boolean;
}

export interface SearchOptions {
  courseId: string;
  topK?: number;
  /** Prefer (not require) chunks in this language. */
  language?: Language;
  resourceIds?: string[];
  /**
   * `auto` picks the quantised path (Hamming ranking re-ranked exactly) for small courses and the
   * HNSW index for large ones; `exact` scores every chunk of the course (decision 0055).
   */
  mode?: "auto" | "exact" | "quantized" | "index";
}

export interface Retriever {
  search(query: string, options: SearchOptions): Promise<RetrievedChunk[]>;
}

/** What a prompt is built from: the course's topic and the learner's context, never one fixed subject. */
export interface GenerationContext {
  courseTitle: string;
  /** The course's subject in a few words (its description or taxonomy domain). */
  topic: string;
  language: Language;
  /** ISO 3166-1 alpha-2 country the examples should be set in. */
  country: string;
  level: number;
  bloomLevel: BloomLevel;
  moduleTitle: string;
  unitTitle?: string;
  objectives: string[];
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Streamed text as it is produced (lessons stream their Markdown). */
  onDelta?: (text: string) => void;
}

export interface GenerationResult<T> {
  content: T;
  /** The retrieved chunks the content actually cites, in first-cited order. */
  sourcesCited: SourceRef[];
  model: string;
  offline: boolean;
  usage?: { inputTokens: number; outputTokens: number };
  /** Extra facts to keep with the content (e.g. the repair retry was used). */
  metadata?: Record<string, unknown>;
}

/** One uploaded document, as the structure generator sees it. */
export interface StructureDocument {
  resourceId: string;
  filename: string;
  outline: TocEntry[];
  summary: string;
  pageCount: number | null;
  charCount: number;
  /** A few representative chunks per outline section, in reading order. */
  excerpts: { chapter: string | null; page: number | null; text: string; language: Language }[];
  /** How much text each run of chunks under one heading holds, in reading order (from the index). */
  sections?: { chapter: string | null; tokens: number }[];
}

export interface StructureInput {
  courseTitle: string;
  topic: string;
  languages: Language[];
  documents: StructureDocument[];
  maxModules?: number;
}

/** One document to summarise: its title (set in the file, else its name), its text, its language. */
export interface SummaryInput {
  title: string;
  text: string;
  language: Language;
}

/** A question a bank already holds, which a top-up must not ask again: its stem and its right option. */
export interface KnownQuestion {
  question: string;
  answer: string;
}

export interface ContentGenerator {
  readonly model: string;
  readonly offline: boolean;
  lesson(
    ctx: GenerationContext,
    chunks: RetrievedChunk[],
    options?: GenerateOptions,
  ): Promise<GenerationResult<LessonContent>>;
  quiz(
    ctx: GenerationContext,
    chunks: RetrievedChunk[],
    options?: GenerateOptions & { count?: number; distractorPool?: RetrievedChunk[]; avoid?: readonly KnownQuestion[] },
  ): Promise<GenerationResult<QuizContent>>;
  flashcards(
    ctx: GenerationContext,
    chunks: RetrievedChunk[],
    options?: GenerateOptions & { count?: number; includeFormula?: boolean },
  ): Promise<GenerationResult<FlashcardContent>>;
  caseStudy(
    ctx: GenerationContext,
    chunks: RetrievedChunk[],
    options?: GenerateOptions,
  ): Promise<GenerationResult<CaseStudyContent>>;
  structure(input: StructureInput, options?: GenerateOptions): Promise<GenerationResult<CourseStructure>>;
  /** 3-5 sentences on what the document covers, in its language; offline, its TextRank summary. */
  summarize(input: SummaryInput, options?: GenerateOptions): Promise<GenerationResult<string>>;
}

export interface AiProviders {
  embedder: Embedder;
  generator: ContentGenerator;
  retriever: Retriever;
  tutor: TutorModel;
  /** Lesson and module illustrations: an OpenAI image model, or the offline concept map. */
  images: ImageGenerator;
  /** Lesson audio: OpenAI speech or espeak-ng offline, encoded locally (Opus, MP3). */
  tts: SpeechSynthesizer;
}
