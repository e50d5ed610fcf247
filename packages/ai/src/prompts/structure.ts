/**
 * Course structure prompt: modules and units proposed from the uploaded documents' outlines,
 * summaries and excerpts, with bilingual titles, hours, Bloom and learner levels, prerequisites
 * and where each module's material comes from (books_sources).
 */
import { BLOOM_LEVELS, clipText, UNIT_TYPES } from "@sira/contracts";
import type { StructureDocument, StructureInput } from "../types.ts";
import { jsonOnly } from "./json.ts";
import { defuseDelimiters, SOURCES_ARE_DATA } from "./sources.ts";
import type { Prompt } from "./system.ts";

export const DEFAULT_MAX_MODULES = 12;
const EXCERPT_CHARS = 600;

const STRUCTURE_SHAPE = `{
  "modules": [
    {
      "title_fr": <string>, "title_en": <string>,
      "description_fr": <string>, "description_en": <string>,
      "level": <1-4>,
      "estimated_hours": <integer ≥ 1>,
      "bloom_level": <${BLOOM_LEVELS.map((b) => `"${b}"`).join(" | ")}>,
      "objectives_fr": [<string>], "objectives_en": [<string>],
      "prerequisites": [<integer: 0-based position of an EARLIER module>],
      "books_sources": {
        "resources": [
          { "resource_id": <string: a document id given above>, "filename": <string>, "chapters": [<string>], "pages": { "from": <int>, "to": <int> } or null }
        ]
      },
      "units": [
        {
          "title_fr": <string>, "title_en": <string>,
          "description_fr": <string or null>, "description_en": <string or null>,
          "unit_type": <${UNIT_TYPES.map((t) => `"${t}"`).join(" | ")}>,
          "estimated_minutes": <1-600>
        }
      ]
    }
  ]
}`;

function describeDocument(doc: StructureDocument, index: number): string {
  const outline = doc.outline.length
    ? doc.outline.map((e) => `${"  ".repeat(e.level - 1)}- ${e.title}${e.page !== null ? ` (p. ${e.page})` : ""}`)
    : ["(no outline)"];
  const excerpts = doc.excerpts.map((x) => {
    const where = [x.chapter ? `"${x.chapter}"` : null, x.page !== null ? `p. ${x.page}` : null, x.language]
      .filter(Boolean)
      .join(", ");
    return `  • (${where}) ${clipText(x.text.trim(), EXCERPT_CHARS)}`;
  });
  return [
    `Document ${index + 1}: id ${doc.resourceId}, file "${doc.filename}", ${doc.pageCount ?? "no"} pages, ${doc.charCount} characters.`,
    "Outline:",
    ...outline,
    `Summary: ${doc.summary.trim() || "(none)"}`,
    "Excerpts:",
    ...(excerpts.length ? excerpts : ["  (none)"]),
  ].join("\n");
}

export function buildStructurePrompt(input: StructureInput): Prompt {
  const maxModules = input.maxModules ?? DEFAULT_MAX_MODULES;
  const system = [
    `You are an instructional designer building the course "${input.courseTitle}" on ${input.topic} for Sira, a mobile learning platform used in West Africa.`,
    "You turn source documents into a progressive course: modules in a sensible learning order, each made of short units.",
    "Every title, description and objective is given in French (_fr) and in English (_en).",
    "Use only what the documents cover; follow their outline where it is sound.",
    SOURCES_ARE_DATA,
  ].join("\n");
  const user = [
    SOURCES_ARE_DATA,
    "<documents>",
    defuseDelimiters(input.documents.map(describeDocument).join("\n\n")),
    "</documents>",
    "",
    `Propose the course structure: at most ${maxModules} modules, each with 1 to 20 units.`,
    "- Units are mostly lessons; end each module with a quiz unit, and add flashcards or a case study where the material suits them.",
    "- Levels (1-4) and Bloom levels rise through the course; prerequisites only point at earlier modules.",
    "- estimated_hours reflects the amount of material (about 1 hour per 15,000 characters of source, at least 1).",
    "- books_sources names, for each module, the documents (by id), chapters and page ranges it draws on.",
    "",
    jsonOnly(STRUCTURE_SHAPE),
  ].join("\n");
  return { system, user, maxTokens: 8192, temperature: 0.3 };
}
