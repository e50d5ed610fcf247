import {
  type AppError,
  BLOOM_LEVELS,
  CaseStudyContentSchema,
  CourseStructureSchema,
  FlashcardContentSchema,
  LessonContentSchema,
  QuizContentSchema,
} from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { createOfflineGenerator } from "../src/generation/index.ts";
import type { RetrievedChunk, StructureDocument } from "../src/types.ts";
import { CHUNKS, CTX_EN, CTX_FR } from "./fixtures/generation-chunks.ts";

const generator = createOfflineGenerator();
const flat = (text: string) => text.replace(/\s+/g, " ");
const chunkIds = new Set(CHUNKS.map((c) => c.id));

/** Every "sentence [n]" of a text: the sentence must be written in chunk n. */
function expectGrounded(text: string, chunks: RetrievedChunk[]) {
  const cited = [...text.matchAll(/([^.[\]\n]*[^.[\]\s][^[\]\n]*?\.) \[(\d+)\]/g)];
  expect(cited.length).toBeGreaterThan(0);
  for (const [, sentence, n] of cited) {
    const chunk = chunks[Number(n) - 1];
    expect(chunk, `[${n}] is in the retrieved set`).toBeDefined();
    const tail = flat(sentence ?? "")
      .replace(/^.*?: /, "")
      .replace(/^[-\s]+/, "")
      .trim();
    expect(flat(chunk?.text ?? "")).toContain(tail);
  }
}

describe("offline lesson", () => {
  it("streams a French lesson in word-sized deltas under the French headings, from French chunks only", async () => {
    const deltas: string[] = [];
    const result = await generator.lesson(CTX_FR, CHUNKS, { onDelta: (d) => deltas.push(d) });
    const lesson = LessonContentSchema.parse(result.content);
    expect(deltas.join("")).toBe(lesson.markdown);
    expect(deltas.length).toBeGreaterThan(100);
    expect(Math.max(...deltas.map((d) => d.trim().length))).toBeLessThan(40);
    for (const heading of ["## Introduction", "## Concepts clés", "## Exemple : ", "## Synthèse", "## Points clés"])
      expect(lesson.markdown).toContain(heading);
    expect(lesson.key_points).toHaveLength(5);
    expect(lesson.concepts.length).toBeGreaterThanOrEqual(2);
    expect(lesson.concepts.length).toBeLessThanOrEqual(5);
    expect(lesson.example.title).toContain("au Sénégal");
    expect(lesson.markdown).not.toContain("[3]"); // the English chunk
    expectGrounded(lesson.markdown, CHUNKS);
    expect(result.sourcesCited.length).toBeGreaterThan(1);
    expect(result.sourcesCited.every((s) => chunkIds.has(s.chunk_id))).toBe(true);
    expect(result).toMatchObject({ model: "offline-extractive", offline: true, metadata: { offline: true } });
  });

  it("writes English headings and prefers the English chunk for an English learner", async () => {
    const result = await generator.lesson(CTX_EN, CHUNKS);
    expect(result.content.markdown).toContain("## Key concepts");
    expect(result.content.markdown).toContain("## Key points");
    expect(result.content.introduction).toMatch(/^Inflation is the general .* \[3\]/);
    expect(result.sourcesCited[0]?.chunk_id).toBe(CHUNKS[2]?.id);
  });

  it("teaches from the chunks close to the query, not from a weak match far below them", async () => {
    const offTopic: RetrievedChunk = {
      ...(CHUNKS[0] as RetrievedChunk),
      id: "00000000-0000-4000-8000-0000000000ff",
      chunkIndex: 99,
      chapter: "La pêche artisanale",
      text: "La pirogue motorisée débarque le poisson frais sur la plage de Kayar chaque matin.",
      score: 0.05,
    };
    const result = await createOfflineGenerator().lesson(CTX_FR, [...CHUNKS, offTopic]);
    expect(result.content.markdown).not.toContain("pirogue");
    expect(result.sourcesCited.map((s) => s.chunk_id)).not.toContain(offTopic.id);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = generator.lesson(CTX_FR, CHUNKS, {
      signal: controller.signal,
      onDelta: (d) => {
        deltas.push(d);
        if (deltas.length === 3) controller.abort(new Error("left"));
      },
    });
    await expect(pending).rejects.toThrow("left");
    expect(deltas).toHaveLength(3);
  });

  it("refuses to generate from nothing", async () => {
    const error = await generator.lesson(CTX_FR, []).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("NO_INDEXED_CONTENT");
  });
});

describe("offline quiz", () => {
  it("asks questions whose right answer is written in the cited chunk, with 4 distinct options", async () => {
    const result = await generator.quiz(CTX_FR, CHUNKS, { count: 10 });
    const quiz = QuizContentSchema.parse(result.content);
    expect(quiz.questions.length).toBeGreaterThanOrEqual(8);
    expect(quiz.questions.length).toBeLessThanOrEqual(10);
    for (const q of quiz.questions) {
      const answer = q.options[q.correct_index] ?? "";
      const chunk = CHUNKS[q.source - 1];
      expect(flat(chunk?.text ?? ""), q.question).toContain(answer);
      expect(new Set(q.options.map((o) => o.toLowerCase())).size).toBe(4);
      expect(q.explanation).toContain(`[${q.source}]`);
      if (q.question.startsWith("Complétez")) expect(q.question).not.toContain(answer);
    }
    expect(new Set(quiz.questions.map((q) => q.correct_index)).size).toBeGreaterThan(1);
    expect(quiz.questions.some((q) => q.question.startsWith("Quel terme"))).toBe(true);
    expect(quiz.questions.some((q) => q.question.startsWith("Complétez"))).toBe(true);
    expect(result.metadata).toMatchObject({ requested: 10, produced: quiz.questions.length });
    expect(result.sourcesCited.every((s) => chunkIds.has(s.chunk_id))).toBe(true);
  });

  it("never offers an English distractor in a French question, and honours the count", async () => {
    const result = await generator.quiz(CTX_FR, CHUNKS, { count: 3 });
    expect(result.content.questions).toHaveLength(3);
    const english = new Set(["inflation is", "wages", "rise", "power", "level", "price"]);
    for (const q of result.content.questions) for (const o of q.options) expect(english.has(o)).toBe(false);
  });

  it("draws distractors from the distractor pool too", async () => {
    const pool: RetrievedChunk[] = [
      {
        ...(CHUNKS[0] as RetrievedChunk),
        id: "66666666-6666-4666-8666-666666666666",
        text: "La déflation est la baisse générale des prix. La stagflation combine stagnation et inflation.",
      },
    ];
    const few = CHUNKS.slice(0, 1);
    const withPool = await generator.quiz(CTX_FR, few, { count: 5, distractorPool: pool });
    const options = withPool.content.questions.flatMap((q) => q.options);
    expect(options.some((o) => ["déflation", "stagflation", "stagnation", "baisse"].includes(o))).toBe(true);
    expect(withPool.sourcesCited.every((s) => s.chunk_id === CHUNKS[0]?.id)).toBe(true);
  });
});

describe("offline flashcards", () => {
  it("pairs the French and English definitions of one concept and marks the others untranslated", async () => {
    const result = await generator.flashcards(CTX_FR, CHUNKS);
    const { cards } = FlashcardContentSchema.parse(result.content);
    const inflation = cards.find((c) => c.term_fr.toLowerCase() === "inflation");
    expect(inflation?.definition_fr).toMatch(/^La hausse générale et durable/);
    expect(inflation?.definition_en).toMatch(/^The general and sustained rise/);
    expect(inflation?.source).toBe(1);
    const budgetIndex = cards.findIndex((c) => c.term_fr === "Budget");
    expect(cards[budgetIndex]?.definition_en).toBe(cards[budgetIndex]?.definition_fr);
    expect(result.metadata?.untranslated_cards).toContain(budgetIndex);
    expect(result.metadata?.untranslated_cards).not.toContain(cards.indexOf(inflation as never));
    for (const card of cards)
      expect(flat(CHUNKS[card.source - 1]?.text ?? "").toLowerCase()).toContain(card.term_fr.toLowerCase());
  });

  it("finds a formula next to the term, unless formulas are not wanted", async () => {
    const chunks: RetrievedChunk[] = [
      {
        ...(CHUNKS[1] as RetrievedChunk),
        text: "La marge brute est la différence entre le prix de vente et le coût d'achat d'un produit. On la calcule ainsi : Marge brute = Prix de vente - Coût d'achat. Une vendeuse de Kaolack fait une marge brute de 500 FCFA par sac.",
      },
    ];
    const withFormula = await generator.flashcards(CTX_FR, chunks, { includeFormula: true });
    expect(withFormula.content.cards[0]?.formula).toBe("Marge brute = Prix de vente - Coût d'achat");
    expect(withFormula.content.cards[0]?.example).toContain("Kaolack");
    const without = await generator.flashcards(CTX_FR, chunks, { includeFormula: false });
    expect(without.content.cards[0]?.formula).toBeNull();
  });
});

describe("offline case study", () => {
  it("sets a scenario in the learner's country with the course's figures as data and a cited correction", async () => {
    const result = await generator.caseStudy(CTX_FR, CHUNKS);
    const study = CaseStudyContentSchema.parse(result.content);
    expect(study.scenario).toContain("au Sénégal");
    expect(study.data.map((d) => d.value)).toContain("5,9 %");
    expect(study.questions.length).toBeGreaterThanOrEqual(2);
    for (const c of study.correction) expect(c.question_index).toBeLessThan(study.questions.length);
    expect(study.correction.length).toBe(study.questions.length);
    expectGrounded(study.correction.map((c) => c.answer).join(" "), CHUNKS);
    expect(result.sourcesCited.every((s) => chunkIds.has(s.chunk_id))).toBe(true);
  });
});

function documentOf(overrides: Partial<StructureDocument>): StructureDocument {
  return {
    resourceId: "22222222-2222-4222-8222-222222222222",
    filename: "economie_de_base.pdf",
    outline: [],
    summary: "Un cours d'économie domestique.",
    pageCount: 25,
    charCount: 60_000,
    excerpts: [],
    ...overrides,
  };
}

describe("offline structure", () => {
  it("turns level-1 outline entries into modules and level-2 entries into lessons, with a quiz each", async () => {
    const doc = documentOf({
      outline: [
        { title: "Les prix", level: 1, page: 1 },
        { title: "L'inflation", level: 2, page: 2 },
        { title: "Le pouvoir d'achat", level: 2, page: 5 },
        { title: "Le budget", level: 1, page: 9 },
        { title: "Recettes et dépenses", level: 2, page: 10 },
        { title: "L'épargne", level: 1, page: 16 },
      ],
      excerpts: [
        {
          chapter: "Les prix",
          page: 1,
          text: "Les prix changent chaque jour au marché. Ils dépendent de l'offre et de la demande.",
          language: "fr",
        },
        {
          chapter: "Les prix",
          page: 1,
          text: "Prices change every day at the market. They depend on supply and demand.",
          language: "en",
        },
      ],
    });
    const result = await generator.structure({
      courseTitle: "Économie",
      topic: "économie",
      languages: ["fr", "en"],
      documents: [doc],
    });
    const { modules } = CourseStructureSchema.parse(result.content);
    expect(modules.map((m) => m.title_fr)).toEqual(["Les prix", "Le budget", "L'épargne"]);
    expect(modules[0]?.units.map((u) => `${u.unit_type}:${u.title_fr}`)).toEqual([
      "lesson:L'inflation",
      "lesson:Le pouvoir d'achat",
      "quiz:Quiz : Les prix",
    ]);
    expect(modules[2]?.units.map((u) => u.unit_type)).toEqual(["lesson", "quiz"]);
    expect(modules[0]?.description_fr).toContain("Les prix changent");
    expect(modules[0]?.description_en).toContain("Prices change");
    expect(modules.map((m) => m.prerequisites)).toEqual([[], [0], [1]]);
    expect(modules[0]?.books_sources.resources[0]).toEqual({
      resource_id: doc.resourceId,
      filename: doc.filename,
      chapters: ["Les prix", "L'inflation", "Le pouvoir d'achat"],
      pages: { from: 1, to: 8 },
    });
    expect(modules[2]?.books_sources.resources[0]?.pages).toEqual({ from: 16, to: 25 });
    const blooms = modules.map((m) => BLOOM_LEVELS.indexOf(m.bloom_level));
    expect(blooms).toEqual([...blooms].sort((a, b) => a - b));
    expect(modules.reduce((sum, m) => sum + m.estimated_hours, 0)).toBeGreaterThanOrEqual(3);
    expect(result.metadata?.needs_translation).toBe(true);
    expect(result.sourcesCited).toEqual([]);
  });

  it("splits a document without outline or chapters into runs of pages, titled in both languages", async () => {
    const result = await generator.structure({
      courseTitle: "Économie",
      topic: "économie",
      languages: ["fr", "en"],
      documents: [documentOf({})],
    });
    const { modules } = result.content;
    expect(modules.map((m) => m.title_fr)).toEqual([
      "economie de base : partie 1",
      "economie de base : partie 2",
      "economie de base : partie 3",
    ]);
    expect(modules[1]?.title_en).toBe("economie de base: part 2");
    expect(modules.map((m) => m.books_sources.resources[0]?.pages)).toEqual([
      { from: 1, to: 10 },
      { from: 11, to: 20 },
      { from: 21, to: 25 },
    ]);
  });

  it("uses the chapters seen in excerpts when there is no outline, and merges down to maxModules", async () => {
    const excerpts = ["A", "B", "C", "D"].map((c, i) => ({
      chapter: `Chapitre ${c}`,
      page: i * 3 + 1,
      text: `Texte du chapitre ${c}.`,
      language: "fr" as const,
    }));
    const result = await generator.structure({
      courseTitle: "Économie",
      topic: "économie",
      languages: ["fr", "en"],
      maxModules: 2,
      documents: [documentOf({ excerpts })],
    });
    expect(result.content.modules.map((m) => m.title_fr)).toEqual(["Chapitre A", "Chapitre C"]);
    expect(result.content.modules[0]?.units.filter((u) => u.unit_type === "lesson").map((u) => u.title_fr)).toEqual([
      "Chapitre A",
      "Chapitre B",
    ]);
  });
});

describe("determinism", () => {
  it("gives the same output for the same input", async () => {
    const twice = async () => [
      await generator.lesson(CTX_FR, CHUNKS),
      await generator.quiz(CTX_FR, CHUNKS),
      await generator.flashcards(CTX_EN, CHUNKS),
      await generator.caseStudy(CTX_EN, CHUNKS),
    ];
    expect(await twice()).toEqual(await twice());
  });
});
