/**
 * A lesson travels as Markdown under fixed headings (prompts/lesson.ts): rendered by the offline
 * generator, streamed by Claude, and parsed back into LessonContent, whose `markdown` is the text.
 * The parser accepts either language's headings, in any case, with or without accents.
 */
import type { Language, LessonContent } from "@sira/contracts";
import { LESSON_HEADINGS } from "../prompts/lesson.ts";
import { atxHeading, trimEndWhere } from "../text/markdown.ts";

export type LessonParts = Omit<LessonContent, "markdown">;

export function renderLessonMarkdown(lesson: LessonParts, language: Language): string {
  const h = LESSON_HEADINGS[language];
  const lines = [`# ${lesson.title}`, "", `## ${h.introduction}`, "", lesson.introduction, "", `## ${h.concepts}`, ""];
  for (const concept of lesson.concepts) lines.push(`### ${concept.title}`, "", concept.explanation, "");
  lines.push(`## ${h.examplePrefix}${lesson.example.title}`, "", lesson.example.body, "");
  lines.push(`## ${h.synthesis}`, "", lesson.synthesis, "", `## ${h.keyPoints}`, "");
  for (const point of lesson.key_points) lines.push(`- ${point}`);
  return `${lines.join("\n")}\n`;
}

type SectionKind = "introduction" | "concepts" | "example" | "synthesis" | "keyPoints";

function fold(text: string): string {
  const folded = text
    .normalize("NFD")
    .replace(/\p{Mn}+/gu, "")
    .toLowerCase();
  return trimEndWhere(folded, (ch) => ch === ":" || /\s/u.test(ch)).trim();
}

const HEADING_KINDS = new Map<string, SectionKind>();
const EXAMPLE_PREFIXES: string[] = [];
for (const h of Object.values(LESSON_HEADINGS)) {
  HEADING_KINDS.set(fold(h.introduction), "introduction");
  HEADING_KINDS.set(fold(h.concepts), "concepts");
  HEADING_KINDS.set(fold(h.synthesis), "synthesis");
  HEADING_KINDS.set(fold(h.keyPoints), "keyPoints");
  EXAMPLE_PREFIXES.push(fold(h.examplePrefix));
}

function classify(heading: string): { kind: SectionKind; exampleTitle?: string } | null {
  const folded = fold(heading);
  const kind = HEADING_KINDS.get(folded);
  if (kind) return { kind };
  for (const prefix of EXAMPLE_PREFIXES) {
    if (folded === prefix || folded.startsWith(`${prefix} `) || folded.startsWith(`${prefix}:`)) {
      const title = heading
        .slice(heading.search(/[:：]/u) + 1 || prefix.length)
        .replace(/^[\s:：—–-]+/u, "")
        .trim();
      return { kind: "example", exampleTitle: title };
    }
  }
  return null;
}

export interface ParsedLesson {
  /** The parts found; fields a section was missing for stay empty, and `issues` says which. */
  parts: LessonParts;
  issues: string[];
}

const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+(.*)$/u;

/** Reads a lesson's Markdown back into its parts, listing what does not follow the skeleton. */
export function parseLessonMarkdown(markdown: string): ParsedLesson {
  const issues: string[] = [];
  const sections = new Map<SectionKind, { title?: string; lines: string[] }>();
  let title = "";
  let current: { lines: string[] } | null = null;
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const heading = atxHeading(line);
    const h2 = heading?.level === 2 ? heading.title : null;
    if (h2 !== null) {
      const found = classify(h2);
      if (!found) {
        issues.push(`unexpected section heading "## ${h2}"`);
        current = null;
        continue;
      }
      if (sections.has(found.kind)) issues.push(`section "${h2}" appears twice`);
      current = { lines: [] };
      sections.set(found.kind, {
        ...(found.exampleTitle !== undefined ? { title: found.exampleTitle } : {}),
        ...current,
      });
      continue;
    }
    if (heading?.level === 1 && !title && sections.size === 0) {
      title = heading.title;
      continue;
    }
    if (!current && line.trim()) issues.push(`text outside the lesson's sections: "${line.trim().slice(0, 60)}"`);
    current?.lines.push(line);
  }
  const text = (kind: SectionKind): string => {
    const section = sections.get(kind);
    if (!section) {
      issues.push(`missing section: ${kind}`);
      return "";
    }
    return section.lines.join("\n").trim();
  };

  const concepts: LessonParts["concepts"] = [];
  let concept: { title: string; lines: string[] } | null = null;
  for (const line of text("concepts").split("\n")) {
    const h3 = atxHeading(line);
    if (h3?.level === 3) {
      concept = { title: h3.title, lines: [] };
      concepts.push({ title: concept.title, explanation: "" });
    } else if (concept) {
      concept.lines.push(line);
      const last = concepts[concepts.length - 1];
      if (last) last.explanation = concept.lines.join("\n").trim();
    } else if (line.trim()) {
      issues.push("text under the concepts heading before the first ### concept");
    }
  }

  const keyPointLines = text("keyPoints")
    .split("\n")
    .filter((l) => l.trim());
  const keyPoints = keyPointLines.map((l) => BULLET.exec(l)?.[1]?.trim() ?? "");
  if (keyPoints.some((p) => !p)) issues.push("the key points section holds lines that are not bullets");

  if (!title) issues.push('missing "# <title>" line');
  const example = sections.get("example");
  return {
    parts: {
      title: title.trim(),
      introduction: text("introduction"),
      concepts,
      example: { title: example?.title ?? "", body: text("example") },
      synthesis: text("synthesis"),
      key_points: keyPoints.filter(Boolean),
    },
    issues,
  };
}
