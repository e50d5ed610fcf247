/**
 * Lesson prompt: intro → concepts → contextual example → synthesis → exactly 5 key points, streamed
 * as Markdown under fixed headings so the streamed text parses back into LessonContent.
 */
import type { Language } from "@sira/contracts";
import type { GenerationContext, RetrievedChunk } from "../types.ts";
import { formatSources } from "./sources.ts";
import { buildSystemPrompt, inCountry, type Prompt } from "./system.ts";

export interface LessonHeadings {
  introduction: string;
  concepts: string;
  /** Followed by the example's title: "## Exemple : <title>". */
  examplePrefix: string;
  synthesis: string;
  keyPoints: string;
}

export const LESSON_HEADINGS: Record<Language, LessonHeadings> = {
  fr: {
    introduction: "Introduction",
    concepts: "Concepts clés",
    examplePrefix: "Exemple : ",
    synthesis: "Synthèse",
    keyPoints: "Points clés",
  },
  en: {
    introduction: "Introduction",
    concepts: "Key concepts",
    examplePrefix: "Example: ",
    synthesis: "Summary",
    keyPoints: "Key points",
  },
};

export const KEY_POINT_COUNT = 5;

/** The exact Markdown skeleton the lesson must follow, in the lesson's language. */
export function lessonSkeleton(language: Language): string {
  const h = LESSON_HEADINGS[language];
  return [
    "# <lesson title>",
    "",
    `## ${h.introduction}`,
    "<one or two short paragraphs>",
    "",
    `## ${h.concepts}`,
    "### <concept title>",
    "<explanation>",
    "(2 to 5 concepts, each under its own ### heading)",
    "",
    `## ${h.examplePrefix}<example title>`,
    "<a contextual example>",
    "",
    `## ${h.synthesis}`,
    "<one short paragraph>",
    "",
    `## ${h.keyPoints}`,
    ...Array.from({ length: KEY_POINT_COUNT }, (_, i) => `- <key point ${i + 1}>`),
  ].join("\n");
}

export function buildLessonPrompt(ctx: GenerationContext, chunks: RetrievedChunk[]): Prompt {
  const title = ctx.unitTitle ?? ctx.moduleTitle;
  const user = [
    formatSources(chunks),
    "",
    `Write the lesson "${title}" from these sources.`,
    "Structure: introduction → key concepts → a contextual example → synthesis → exactly 5 key points.",
    `The example is a concrete situation ${inCountry(ctx.country, "en")}, built only on facts from the sources.`,
    "Output Markdown only, nothing before or after it, with exactly these headings (copy them verbatim):",
    "",
    lessonSkeleton(ctx.language),
    "",
    "Rules:",
    "- Put a citation marker such as [1] after each sentence that uses a source.",
    `- The "${LESSON_HEADINGS[ctx.language].keyPoints}" section has exactly ${KEY_POINT_COUNT} bullet lines starting with "- ", one sentence each, and nothing after them.`,
    "- No other ## headings, no tables, no code blocks.",
  ].join("\n");
  return { system: buildSystemPrompt(ctx), user, maxTokens: 4096, temperature: 0.4 };
}
