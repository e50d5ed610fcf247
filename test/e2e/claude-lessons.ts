/**
 * Claude for the end-to-end tests: a local server speaking Anthropic's protocol (the real client
 * talks to it) that writes the market course's lesson, in French and English, at the pace the test
 * asks for; other prompts (document summaries) get a short text.
 */
import {
  type FakeAnthropic,
  type FakeReply,
  startFakeAnthropic,
} from "../../packages/ai/test/anthropic-fake-server.ts";

export const LESSON_FR = [
  "# Le marché et les prix",
  "",
  "## Introduction",
  "",
  "Le prix se forme sur le marché, là où l'offre rencontre la demande [1].",
  "",
  "## Concepts clés",
  "",
  "### L'équilibre",
  "",
  "L'offre rencontre la demande au prix d'équilibre [1].",
  "",
  "## Exemple : Le marché de Sandaga",
  "",
  "Le prix du riz suit les arrivages des camions venus du port [2].",
  "",
  "## Synthèse",
  "",
  "Les prix bougent avec l'offre et la demande [1].",
  "",
  "## Points clés",
  "",
  "- Le prix se forme sur le marché [1].",
  "- L'offre rencontre la demande [1].",
  "- La demande monte, le prix monte [1].",
  "- Les arrivages changent l'offre [2].",
  "- Les vendeurs suivent les prix [2].",
].join("\n");

const LESSON_EN = LESSON_FR.replace("## Concepts clés", "## Key concepts")
  .replace("## Exemple : ", "## Example: ")
  .replace("## Synthèse", "## Summary")
  .replace("## Points clés", "## Key points");

export interface LessonProvider {
  fake: FakeAnthropic;
  /** French lesson replies, in order (each request takes the next); afterwards, the lesson at once. */
  frenchReplies: FakeReply[];
  /** The settings that point the API and the worker at it. */
  settings: Record<string, string>;
  /** How many times the French lesson was asked for. */
  frenchAsked(): number;
}

/** A provider's pace: the French lesson takes about ten seconds to arrive (`delayMs` per 6 characters). */
export const slowly = (delayMs = 100): FakeReply => ({ text: LESSON_FR, deltaSize: 6, delayMs });

const isFrenchLesson = (prompt: string) => prompt.includes("Write the lesson") && prompt.includes("## Points clés");

export async function startLessonProvider(): Promise<LessonProvider> {
  const fake = await startFakeAnthropic();
  const frenchReplies: FakeReply[] = [];
  fake.route = (body) => {
    const prompt = body.messages.at(-1)?.content ?? "";
    if (!prompt.includes("Write the lesson")) return { text: "Une fiche sur les prix du marché." };
    if (!isFrenchLesson(prompt)) return { text: LESSON_EN, deltaSize: 40 };
    return frenchReplies.shift() ?? { text: LESSON_FR, deltaSize: 40 };
  };
  return {
    fake,
    frenchReplies,
    settings: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_MODEL: "claude-test-model" },
    frenchAsked: () => fake.requests.filter((r) => isFrenchLesson(r.body.messages.at(-1)?.content ?? "")).length,
  };
}
