/** Flashcard prompt: French term → French and English definitions + contextual example + formula. */
import type { GenerationContext, RetrievedChunk } from "../types.ts";
import { jsonOnly } from "./json.ts";
import { formatSources } from "./sources.ts";
import { buildSystemPrompt, type Prompt } from "./system.ts";

const FLASHCARD_SHAPE = `{
  "cards": [
    {
      "term_fr": <string: the term in French>,
      "term_en": <string: the same term in English>,
      "definition_fr": <string: definition in French>,
      "definition_en": <string: the same definition in English>,
      "example": <string: a short example set in the learner's country, in the lesson language>,
      "formula": <string or null>,
      "source": <integer: the number of the source that defines the term>,
      "concept": <string: the concept, a few words>
    }
  ]
}`;

export function buildFlashcardPrompt(
  ctx: GenerationContext,
  chunks: RetrievedChunk[],
  options: { count: number; includeFormula: boolean },
): Prompt {
  const title = ctx.unitTitle ?? ctx.moduleTitle;
  const user = [
    formatSources(chunks),
    "",
    `Write up to ${options.count} flashcards on the key terms of "${title}" found in these sources.`,
    "- The front is the term in French; the back gives its definition in French and in English.",
    "- Definitions are one or two sentences, faithful to the sources; translate them when the source is in the other language.",
    "- The example is one sentence, concrete and set in the learner's country.",
    options.includeFormula
      ? '- "formula" holds the formula that goes with the term when the sources give one (e.g. "Marge = Prix de vente - Coût"), else null.'
      : '- "formula" is always null.',
    "- One card per term, no duplicates. Only terms the sources define or explain.",
    "",
    jsonOnly(FLASHCARD_SHAPE),
  ].join("\n");
  return { system: buildSystemPrompt(ctx), user, maxTokens: 8192, temperature: 0.3 };
}
