/**
 * The text prompt for an image model: a clean educational illustration of the lesson's concepts,
 * without text in the picture (alt text carries the words, in both languages).
 */
import { clipText } from "@sira/contracts";
import type { IllustrationRequest } from "./types.ts";

/** Prompts stay short: the API caps them, and a long one only adds noise. */
export const IMAGE_PROMPT_MAX_CHARS = 1_500;

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${clipText(flat, max - 1).trimEnd()}…`;
};

export function illustrationPrompt(request: IllustrationRequest): string {
  const concepts = request.concepts
    .slice(0, 6)
    .map((c) => oneLine(c.title, 80))
    .join("; ");
  const terms = (request.keyTerms ?? [])
    .slice(0, 8)
    .map((t) => oneLine(t, 40))
    .join(", ");
  const parts = [
    "A clear, friendly educational illustration for a mobile lesson read by adult learners in West Africa.",
    `Lesson: ${oneLine(request.title, 160)}.`,
    request.topic ? `Subject: ${oneLine(request.topic, 160)}.` : "",
    concepts ? `Show these ideas: ${concepts}.` : "",
    terms ? `Key terms: ${terms}.` : "",
    "Flat vector style, simple shapes, high contrast, a light background, people and settings from West Africa where people appear.",
    "No text, letters or numbers in the image.",
  ].filter(Boolean);
  return oneLine(parts.join(" "), IMAGE_PROMPT_MAX_CHARS);
}
