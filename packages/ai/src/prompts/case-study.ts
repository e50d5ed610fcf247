/** Case study prompt: contextual scenario → data → guided questions → annotated correction. */
import type { GenerationContext, RetrievedChunk } from "../types.ts";
import { jsonOnly } from "./json.ts";
import { formatSources } from "./sources.ts";
import { buildSystemPrompt, inCountry, type Prompt } from "./system.ts";

const CASE_SHAPE = `{
  "title": <string>,
  "scenario": <string: the situation, a few short paragraphs with citation markers>,
  "data": [{ "label": <string>, "value": <string: a figure or fact with its unit> }],
  "questions": [{ "question": <string>, "hint": <string or null> }],
  "correction": [
    {
      "question_index": <integer: 0-based position in "questions">,
      "answer": <string: the expected answer>,
      "annotation": <string: why, which reasoning, which source, with citation markers>
    }
  ]
}`;

export function buildCaseStudyPrompt(ctx: GenerationContext, chunks: RetrievedChunk[]): Prompt {
  const title = ctx.unitTitle ?? ctx.moduleTitle;
  const user = [
    formatSources(chunks),
    "",
    `Write a case study on "${title}", set ${inCountry(ctx.country, "en")}, from these sources.`,
    "- Scenario: a realistic situation a learner could meet, with people, places and amounts of that country.",
    "- Data: the facts and figures the learner needs (2 to 8 items), each taken from the sources.",
    "- Questions: 3 to 5 guided questions, from understanding the data to a reasoned decision; a hint may point to the useful data.",
    "- Correction: one entry per question, with the expected answer and an annotation explaining the reasoning and citing the sources.",
    "",
    jsonOnly(CASE_SHAPE),
  ].join("\n");
  return { system: buildSystemPrompt(ctx), user, maxTokens: 4096, temperature: 0.4 };
}
