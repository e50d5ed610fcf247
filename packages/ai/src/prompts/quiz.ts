/** Quiz prompt: 10-40 multiple-choice questions, 4 options, 1 correct, explanation + source, difficulty, type. */
import { QUIZ_MAX_QUESTIONS, QUIZ_MIN_QUESTIONS } from "@sira/contracts";
import type { GenerationContext, KnownQuestion, RetrievedChunk } from "../types.ts";
import { jsonOnly } from "./json.ts";
import { formatSources } from "./sources.ts";
import { buildSystemPrompt, type Prompt } from "./system.ts";

const QUIZ_SHAPE = `{
  "questions": [
    {
      "question": <string>,
      "options": [<string>, <string>, <string>, <string>],
      "correct_index": <0-3>,
      "explanation": <string: why the answer is right, with a citation marker such as [2]>,
      "source": <integer: the number of the source that proves the answer>,
      "difficulty": <1-5>,
      "type": <"recall" | "application" | "analysis">,
      "concept": <string: the concept tested, a few words>
    }
  ]
}`;

/** The number of questions asked for, kept within 10-40. */
export function quizQuestionCount(count: number | undefined): number {
  return Math.min(QUIZ_MAX_QUESTIONS, Math.max(QUIZ_MIN_QUESTIONS, Math.round(count ?? QUIZ_MIN_QUESTIONS)));
}

/** Questions of each type (recall, application, analysis) a quiz of `count` must hold: a fifth. */
export function mixFloor(count: number): number {
  return Math.max(1, Math.floor(count / 5));
}

/** Questions of each difficulty 1-5 a quiz of `count` must hold: a tenth. */
export function difficultyFloor(count: number): number {
  return Math.max(1, Math.floor(count / 10));
}

/** At most this many known questions are quoted to the model (the newest last): the prompt stays bounded. */
const MAX_QUOTED_KNOWN = 120;

/** The lines that ask for questions other than those a bank already holds (a top-up). */
function avoidLines(avoid: readonly KnownQuestion[]): string[] {
  if (avoid.length === 0) return [];
  const quoted = avoid
    .slice(-MAX_QUOTED_KNOWN)
    .map((q) => `  - ${JSON.stringify(q.question)} → ${JSON.stringify(q.answer)}`);
  return [
    "- Learners have already been shown these questions (→ their right answer). Write new questions: none of these again, nor one with the same answer to the same question in other words:",
    ...quoted,
  ];
}

export function buildQuizPrompt(
  ctx: GenerationContext,
  chunks: RetrievedChunk[],
  count: number,
  avoid: readonly KnownQuestion[] = [],
): Prompt {
  const title = ctx.unitTitle ?? ctx.moduleTitle;
  const user = [
    formatSources(chunks),
    "",
    `Write a multiple-choice quiz of exactly ${count} questions on "${title}" from these sources.`,
    "- Each question has exactly 4 distinct options and exactly 1 correct option; the other 3 are plausible but wrong according to the sources.",
    "- Vary the position of the correct option.",
    "- The correct answer must be verifiable in the source given in `source`.",
    '- Mix the types: "recall" (a fact or definition), "application" (use it in a situation set in the learner\'s country), "analysis" (compare, infer, explain why).',
    `- Write at least ${mixFloor(count)} questions of each type.`,
    `- Use every difficulty from 1 (easy) to 5 (hard), at least ${difficultyFloor(count)} questions of each, centred on the learner's level (${ctx.level} of 4).`,
    "- Never ask about the sources themselves (their file names or page numbers).",
    ...avoidLines(avoid),
    "",
    jsonOnly(QUIZ_SHAPE),
  ].join("\n");
  return { system: buildSystemPrompt(ctx), user, maxTokens: count > 20 ? 16_384 : 8192, temperature: 0.3 };
}
