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
import { knownQuestionKey } from "../src/generation/offline/quiz.ts";
import type { RetrievedChunk, StructureDocument } from "../src/types.ts";
import { CHUNKS, CTX_EN, CTX_FR } from "./fixtures/generation-chunks.ts";
import { COURSE_PASSAGES } from "./fixtures/retrieval-corpus.ts";

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
  it("leaves out the questions a bank already holds, so a top-up asks only new ones (decision 0067)", async () => {
    const chunks: RetrievedChunk[] = COURSE_PASSAGES.filter((p) => p.language === "fr").map((p, i) => ({
      ...(CHUNKS[0] as RetrievedChunk),
      id: `chunk-${i}`,
      text: p.text,
      language: p.language,
      chapter: p.chapter,
    }));
    const asked = (q: { question: string; options: string[]; correct_index: number }) =>
      knownQuestionKey({ question: q.question, answer: q.options[q.correct_index] as string });
    const first = await generator.quiz(CTX_FR, chunks, { count: 20, distractorPool: chunks });
    const avoid = first.content.questions.map((q) => ({
      question: q.question,
      answer: q.options[q.correct_index] as string,
    }));
    const again = await generator.quiz(CTX_FR, chunks, { count: 20, distractorPool: chunks, avoid });
    expect(again.content.questions.length).toBeGreaterThan(0);
    const known = new Set(first.content.questions.map(asked));
    expect(again.content.questions.filter((q) => known.has(asked(q)))).toEqual([]);
    // Without the list, the same text gives the same questions again.
    const same = await generator.quiz(CTX_FR, chunks, { count: 20, distractorPool: chunks });
    expect(same.content.questions.map(asked)).toEqual(first.content.questions.map(asked));
  });

  it("builds a 30-item bank over difficulties 1-5 with analysis items comparing statements with the course", async () => {
    const chunks: RetrievedChunk[] = COURSE_PASSAGES.filter((p) => p.language === "fr").map((p, i) => ({
      ...(CHUNKS[0] as RetrievedChunk),
      id: `chunk-${i}`,
      text: p.text,
      language: p.language,
      chapter: p.chapter,
    }));
    const result = await createOfflineGenerator().quiz(CTX_FR, chunks, { count: 30, distractorPool: chunks });
    const questions = result.content.questions;
    expect(questions).toHaveLength(30);
    for (const d of [1, 2, 3, 4, 5]) expect(questions.filter((q) => q.difficulty === d)).toHaveLength(6);
    const analyses = questions.filter((q) => q.type === "analysis");
    expect(analyses.length).toBeGreaterThanOrEqual(6);
    for (const q of analyses) {
      const cited = chunks[q.source - 1]?.text ?? "";
      // The right statement is the course's sentence; the three others are not in any chunk.
      expect(cited).toContain(q.options[q.correct_index]);
      const others = q.options.filter((_, i) => i !== q.correct_index);
      expect(others.every((o) => chunks.every((c) => !c.text.includes(o)))).toBe(true);
      expect(q.explanation).toContain(q.options[q.correct_index] as string);
    }
  });

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

describe("offline structure from a paper's headings and the index's figures", () => {
  const outline = [
    { title: "Abstract", level: 1, page: 1 },
    { title: "1 Introduction", level: 1, page: 1 },
    { title: "2 Overview of Trace Recording", level: 1, page: 1 },
    { title: "2.1 Recording Loops", level: 2, page: 1 },
    { title: "2.2 Guards and Side Exits", level: 2, page: 1 },
    { title: "3 Implementation", level: 1, page: 2 },
    { title: "3.1 Type Specialisation", level: 2, page: 2 },
    { title: "3.1.1 Unboxed Integers", level: 3, page: 2 },
    { title: "3.2 Memory Budget", level: 2, page: 2 },
    { title: "3.3 Notes", level: 2, page: 2 },
    { title: "4 Evaluation", level: 1, page: 2 },
    { title: "5 Related Work", level: 1, page: 2 },
    { title: "6 Conclusions", level: 1, page: 2 },
  ];
  const tokens: Record<string, number> = {
    Abstract: 120,
    "1 Introduction": 400,
    "2 Overview of Trace Recording": 150,
    "2.1 Recording Loops": 300,
    "2.2 Guards and Side Exits": 250,
    "3 Implementation": 0,
    "3.1 Type Specialisation": 200,
    "3.1.1 Unboxed Integers": 150,
    "3.2 Memory Budget": 260,
    "3.3 Notes": 30,
    "4 Evaluation": 160,
    "5 Related Work": 100,
    "6 Conclusions": 90,
  };
  const sections = outline.map((e) => ({ chapter: e.title, tokens: tokens[e.title] ?? 0 }));

  it("titles modules and lessons with real headings, merges fragments and quizzes only where there is material", async () => {
    const doc = documentOf({ outline, sections, pageCount: 2, charCount: 9_000 });
    const result = await generator.structure({
      courseTitle: "JIT",
      topic: "jit",
      languages: ["fr", "en"],
      documents: [doc],
    });
    const { modules } = CourseStructureSchema.parse(result.content);
    expect(modules.map((m) => m.title_en)).toEqual([
      "Introduction",
      "Overview of Trace Recording",
      "Implementation",
      "Evaluation",
    ]);
    const lessons = (i: number) => modules[i]?.units.filter((u) => u.unit_type === "lesson").map((u) => u.title_en);
    expect(lessons(0)).toEqual(["Abstract", "Introduction"]);
    expect(lessons(1)).toEqual(["Recording Loops", "Guards and Side Exits"]);
    // "3.3 Notes" is too small to teach alone; "3.1.1" counts towards 3.1.
    expect(lessons(2)).toEqual(["Type Specialisation", "Memory Budget"]);
    expect(lessons(3)).toEqual(["Evaluation", "Related Work", "Conclusions"]);
    expect(modules.map((m) => m.units.at(-1)?.unit_type)).toEqual(["quiz", "quiz", "quiz", "quiz"]);
    expect(modules[0]?.books_sources.resources[0]?.chapters).toEqual(["1 Introduction", "Abstract", "1 Introduction"]);
    expect(result.metadata?.needs_translation).toBe(true);
  });

  it("splits a very long section at its subsections and leaves the quiz out of a thin module", async () => {
    const long = [
      { title: "1 Agronomie", level: 1, page: 1 },
      { title: "1.1 Les sols", level: 2, page: 1 },
      { title: "1.2 L'eau", level: 2, page: 20 },
      { title: "1.3 Les semences", level: 2, page: 40 },
      { title: "2 Annexe", level: 1, page: 60 },
    ];
    const sizes = [0, 2_500, 3_000, 3_000, 0].map((t, i) => ({ chapter: long[i]?.title ?? null, tokens: t }));
    sizes[4] = { chapter: "2 Annexe", tokens: 200 };
    const doc = documentOf({ outline: long, sections: sizes, pageCount: 61, charCount: 45_000 });
    const { modules } = (
      await generator.structure({ courseTitle: "Agro", topic: "agro", languages: ["fr"], documents: [doc] })
    ).content;
    expect(modules.map((m) => m.title_fr)).toEqual(["Agronomie", "Les semences"]);
    expect(modules.map((m) => m.units.filter((u) => u.unit_type === "lesson").map((u) => u.title_fr))).toEqual([
      ["Les sols", "L'eau"],
      ["Les semences", "Annexe"],
    ]);
    const thin = documentOf({
      outline: [{ title: "Fiche", level: 1, page: 1 }],
      sections: [{ chapter: "Fiche", tokens: 120 }],
      pageCount: 1,
    });
    const single = (await generator.structure({ courseTitle: "F", topic: "f", languages: ["fr"], documents: [thin] }))
      .content;
    expect(single.modules[0]?.units.map((u) => u.unit_type)).toEqual(["lesson"]);
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
