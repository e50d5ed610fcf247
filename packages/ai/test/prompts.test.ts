import { LessonContentSchema } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { parseLessonMarkdown, renderLessonMarkdown } from "../src/generation/lesson-markdown.ts";
import { buildCaseStudyPrompt } from "../src/prompts/case-study.ts";
import { buildFlashcardPrompt } from "../src/prompts/flashcard.ts";
import { buildLessonPrompt, LESSON_HEADINGS } from "../src/prompts/lesson.ts";
import { buildQuizPrompt, quizQuestionCount } from "../src/prompts/quiz.ts";
import { buildStructurePrompt } from "../src/prompts/structure.ts";
import { buildSystemPrompt, countryName, inCountry } from "../src/prompts/system.ts";
import type { GenerationContext } from "../src/types.ts";
import { CHUNKS, CTX_EN, CTX_FR } from "./fixtures/generation-chunks.ts";

const AGRONOMY: GenerationContext = {
  courseTitle: "Cultures vivrières",
  topic: "l'agronomie du mil et du sorgho",
  language: "en",
  country: "ML",
  level: 4,
  bloomLevel: "evaluate",
  moduleTitle: "Sols",
  objectives: [],
};

describe("system prompt", () => {
  it("is built from the course and learner context, not from one subject", () => {
    const economics = buildSystemPrompt(CTX_FR);
    const agronomy = buildSystemPrompt(AGRONOMY);
    expect(economics).toContain("l'économie domestique");
    expect(economics).toContain("Write everything in French");
    expect(economics).toContain("Senegal");
    expect(economics).toContain("Learner level 2 of 4");
    expect(economics).toContain("Target Bloom level: understand");
    expect(agronomy).toContain("l'agronomie du mil et du sorgho");
    expect(agronomy).toContain("Write everything in English");
    expect(agronomy).toContain("Mali");
    expect(agronomy).toContain("Learner level 4 of 4");
    expect(agronomy).toContain("Target Bloom level: evaluate");
    expect(agronomy).not.toMatch(/économie|Senegal|inflation/i);
  });

  it("names countries with the right preposition in each language", () => {
    expect(inCountry("SN", "fr")).toBe("au Sénégal");
    expect(inCountry("CI", "fr")).toBe("en Côte d’Ivoire");
    expect(inCountry("GN", "fr")).toBe("en Guinée");
    expect(inCountry("KM", "fr")).toBe("aux Comores");
    expect(inCountry("MG", "fr")).toBe("à Madagascar");
    expect(inCountry("BF", "fr")).toBe("au Burkina Faso");
    expect(inCountry("GM", "en")).toBe("in the Gambia");
    expect(inCountry("GH", "en")).toBe("in Ghana");
    expect(countryName("CD", "en")).toBe("Democratic Republic of the Congo");
  });
});

describe("content prompts", () => {
  it("numbers the sources and asks for the lesson's fixed headings in its language", () => {
    const fr = buildLessonPrompt(CTX_FR, CHUNKS);
    expect(fr.user).toContain('[5] (economie-de-base.pdf, chapter "La monnaie et le crédit", page 10, language fr)');
    for (const heading of Object.values(LESSON_HEADINGS.fr)) expect(fr.user).toContain(`## ${heading.trim()}`);
    expect(fr.user).toContain("exactly 5 key points");
    const en = buildLessonPrompt(CTX_EN, CHUNKS);
    expect(en.user).toContain("## Key concepts");
    expect(en.user).toContain("in Ghana");
  });

  it("asks for 10 to 20 questions, and for JSON only outside lessons", () => {
    expect(quizQuestionCount(undefined)).toBe(10);
    expect(quizQuestionCount(3)).toBe(10);
    expect(quizQuestionCount(50)).toBe(40);
    const quiz = buildQuizPrompt(CTX_FR, CHUNKS, 12);
    expect(quiz.user).toContain("exactly 12 questions");
    expect(quiz.user).toContain('"correct_index": <0-3>');
    expect(quiz.user).toContain("Reply with one JSON object only");
    expect(buildFlashcardPrompt(CTX_FR, CHUNKS, { count: 8, includeFormula: false }).user).toContain(
      '"formula" is always null',
    );
    expect(buildCaseStudyPrompt(CTX_FR, CHUNKS).user).toContain("set in Senegal");
  });

  it("quotes a top-up's known questions with their answers and asks for others", () => {
    expect(buildQuizPrompt(CTX_FR, CHUNKS, 12).user).not.toContain("already been shown");
    const quiz = buildQuizPrompt(CTX_FR, CHUNKS, 12, [{ question: "Quel est le prix du riz ?", answer: "500 FCFA" }]);
    expect(quiz.user).toContain("already been shown these questions");
    expect(quiz.user).toContain('"Quel est le prix du riz ?" → "500 FCFA"');
  });

  it("gives the structure prompt each document's id, outline, summary and excerpts", () => {
    const prompt = buildStructurePrompt({
      courseTitle: "Économie",
      topic: "économie",
      languages: ["fr", "en"],
      maxModules: 6,
      documents: [
        {
          resourceId: "22222222-2222-4222-8222-222222222222",
          filename: "eco.pdf",
          outline: [
            { title: "Les prix", level: 1, page: 1 },
            { title: "L'inflation", level: 2, page: 2 },
          ],
          summary: "Un cours d'économie.",
          pageCount: 12,
          charCount: 30000,
          excerpts: [{ chapter: "Les prix", page: 1, text: "Les prix montent.", language: "fr" }],
        },
      ],
    });
    expect(prompt.user).toContain("id 22222222-2222-4222-8222-222222222222");
    expect(prompt.user).toContain("- Les prix (p. 1)\n  - L'inflation (p. 2)");
    expect(prompt.user).toContain("at most 6 modules");
    expect(prompt.user).toContain("Les prix montent.");
  });
});

describe("lesson Markdown", () => {
  const parts = {
    title: "Le budget",
    introduction: "Un budget prévoit [1].",
    concepts: [
      { title: "Recettes", explanation: "Ce qui entre [1]." },
      { title: "Dépenses", explanation: "Ce qui sort [2].\n\nSur deux paragraphes." },
    ],
    example: { title: "Une boutique à Thiès", body: "Elle gagne 150 000 FCFA [2]." },
    synthesis: "Tenir un budget évite les dettes.",
    key_points: ["Un", "Deux", "Trois", "Quatre", "Cinq"],
  };

  it("renders and parses back to the same parts in both languages", () => {
    for (const language of ["fr", "en"] as const) {
      const markdown = renderLessonMarkdown(parts, language);
      const parsed = parseLessonMarkdown(markdown);
      expect(parsed.issues).toEqual([]);
      expect(parsed.parts).toEqual(parts);
      expect(LessonContentSchema.safeParse({ ...parsed.parts, markdown }).success).toBe(true);
    }
    expect(renderLessonMarkdown(parts, "fr")).toContain("## Exemple : Une boutique à Thiès");
    expect(renderLessonMarkdown(parts, "en")).toContain("## Example: Une boutique à Thiès");
  });

  it("reports what does not follow the skeleton", () => {
    const markdown = renderLessonMarkdown(parts, "fr").replace("## Synthèse", "## Conclusion");
    const parsed = parseLessonMarkdown(`Voici la leçon :\n${markdown}`);
    expect(parsed.issues).toContain('unexpected section heading "## Conclusion"');
    expect(parsed.issues).toContain("missing section: synthesis");
    expect(parsed.issues.some((i) => i.startsWith("text outside the lesson's sections"))).toBe(true);
  });
});
