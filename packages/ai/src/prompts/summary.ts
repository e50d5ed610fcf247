/**
 * Document summary prompt: 3 to 5 plain sentences on what one uploaded document covers, in the
 * document's language, from its leading sections (at most SUMMARY_INPUT_CHARS characters).
 */
import { clipText } from "@sira/contracts";
import { SUMMARY_MAX_CHARS } from "../text/textrank.ts";
import type { SummaryInput } from "../types.ts";
import { defuseDelimiters, SOURCES_ARE_DATA } from "./sources.ts";
import { LANGUAGE_NAMES, type Prompt } from "./system.ts";

/** How much of the document the model reads: its leading sections, about 6,000 tokens. */
export const SUMMARY_INPUT_CHARS = 24_000;

/** The document's beginning within `max` characters, cut at a paragraph (else a line, else a space). */
export function leadingSections(text: string, max = SUMMARY_INPUT_CHARS): { text: string; truncated: boolean } {
  const whole = text.replace(/\f/g, "\n\n").trim();
  if (whole.length <= max) return { text: whole, truncated: false };
  const head = clipText(whole, max);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = head.lastIndexOf(separator);
    if (at >= max / 2) return { text: head.slice(0, at).trimEnd(), truncated: true };
  }
  return { text: head, truncated: true };
}

export function buildSummaryPrompt(input: SummaryInput): Prompt & { truncated: boolean } {
  const language = LANGUAGE_NAMES[input.language];
  const excerpt = leadingSections(input.text);
  const system = [
    "You summarise course documents for Sira, a mobile learning platform used in West Africa.",
    `Write in ${language} (language code "${input.language}"), the document's language.`,
    "A summary says what the document covers and its main points, in 3 to 5 plain sentences forming one paragraph.",
    "Use only what the document says. Leave out its authors, publisher, copyright notices and file details.",
    `Plain text only: no Markdown, no headings, no lists, no HTML, no links; at most ${SUMMARY_MAX_CHARS} characters.`,
    SOURCES_ARE_DATA,
  ].join("\n");
  const user = [
    SOURCES_ARE_DATA,
    "<document>",
    defuseDelimiters(`Title: ${input.title.replace(/\s+/g, " ").trim()}`),
    "",
    defuseDelimiters(excerpt.text),
    "</document>",
    "",
    excerpt.truncated
      ? "This is the beginning of a longer document: summarise the document as these leading sections present it."
      : "This is the whole document.",
    `Summarise it in 3 to 5 sentences in ${language}. Reply with the summary only.`,
  ].join("\n");
  return { system, user, maxTokens: 700, temperature: 0.2, truncated: excerpt.truncated };
}
