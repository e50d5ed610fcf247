/**
 * The offline quiz: definition items ("which term is defined as …?") from definitional sentences,
 * and cloze items (a salient term or figure blanked out of a sentence), each with three distractors
 * of the same kind taken from the course's own text. Every answer is written in its cited chunk.
 */
import type { Language, QuizQuestion } from "@sira/contracts";
import type { GenerationContext, RetrievedChunk } from "../../types.ts";
import { buildCorpus, type Corpus, rankedFor, type Sentence } from "./corpus.ts";
import { definitionIn, pickDistractors, placeAnswer, type Term, termKey, termsOf } from "./terms.ts";
import { clip, collapse, fold, hasExampleMarker } from "./text.ts";

const WORDING: Record<
  Language,
  { definition: (d: string) => string; cloze: (s: string) => string; because: (a: string, s: string) => string }
> = {
  fr: {
    definition: (d) => `Quel terme correspond à la définition suivante : « ${d} » ?`,
    cloze: (s) => `Complétez la phrase : « ${s} »`,
    because: (a, s) => `La bonne réponse est « ${a} ». Le cours l'indique : « ${s} »`,
  },
  en: {
    definition: (d) => `Which term matches this definition: "${d}"?`,
    cloze: (s) => `Fill in the blank: "${s}"`,
    because: (a, s) => `The right answer is "${a}". The course says: "${s}"`,
  },
};

const BLANK = "_____";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` with whole-word occurrences of `term` replaced by a blank (case-insensitive). */
function blankOut(text: string, term: string): string {
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, "giu"), BLANK);
}

function difficulty(rarity: number, wordCount: number, isDefinition: boolean): number {
  const value = 1 + (isDefinition ? 0 : 1) + (rarity > 0.66 ? 2 : rarity > 0.33 ? 1 : 0) + (wordCount > 25 ? 1 : 0);
  return Math.min(5, Math.max(1, value));
}

interface Candidate {
  question: QuizQuestion;
  answerKey: string;
}

function rarityOf(key: string, corpus: Corpus): number {
  const max = Math.max(1, ...corpus.documentFrequency.values());
  const df = corpus.documentFrequency.get(key.split(" ")[0] ?? key) ?? 1;
  return 1 - df / max;
}

export interface OfflineQuizInput {
  ctx: GenerationContext;
  chunks: RetrievedChunk[];
  count: number;
  distractorPool: RetrievedChunk[];
}

export function buildOfflineQuiz({ ctx, chunks, count, distractorPool }: OfflineQuizInput): QuizQuestion[] {
  const corpus = buildCorpus(chunks, ctx);
  const ranked = rankedFor(corpus.sentences, ctx.language);
  const wording = WORDING[ctx.language];
  const pool: Term[] = [];
  for (const s of corpus.sentences) pool.push(...termsOf(s.text, s.language));
  for (const chunk of distractorPool) pool.push(...termsOf(collapse(chunk.text), chunk.language));
  const definitionTerms: Term[] = [];
  for (const s of corpus.sentences) {
    const d = definitionIn(s.text, s.language);
    if (d)
      definitionTerms.push({
        surface: d.term,
        kind: "word",
        key: termKey(d.term),
        nominal: true,
        language: s.language,
      });
  }

  const chunkText = (s: Sentence) => collapse(chunks[s.chunk]?.text ?? "");
  const concept = (s: Sentence, fallback: string) => clip(chunks[s.chunk]?.chapter?.trim() || fallback, 200);

  const definitionItem = (s: Sentence): Candidate | null => {
    const d = definitionIn(s.text, s.language);
    if (!d || !chunkText(s).includes(d.term)) return null;
    const answer: Term = { surface: d.term, kind: "word", key: termKey(d.term), nominal: true, language: s.language };
    const shown = clip(blankOut(d.definition, d.term), 300);
    const questionText = wording.definition(shown);
    const distractors = pickDistractors(answer, d.definition, [
      ...definitionTerms,
      ...pool.filter((t) => t.kind === "word"),
    ]);
    if (distractors.length < 3) return null;
    const { options, correct } = placeAnswer(d.term, distractors, questionText);
    return {
      answerKey: answer.key,
      question: {
        question: questionText,
        options,
        correct_index: correct,
        explanation: `${wording.because(d.term, s.text)} [${s.chunk + 1}]`,
        source: s.chunk + 1,
        difficulty: difficulty(rarityOf(answer.key, corpus), s.words.length, true),
        type: "recall",
        concept: clip(d.term, 200),
      },
    };
  };

  const clozeItem = (s: Sentence): Candidate | null => {
    const terms = termsOf(s.text, s.language).filter((t) => chunkText(s).includes(t.surface));
    const scored = terms
      .map((t) => ({
        t,
        score: t.kind === "number" ? 1.5 : t.key.split(" ").reduce((sum, w) => sum + corpus.weight(w), 0),
      }))
      .sort((a, b) => b.score - a.score || a.t.key.localeCompare(b.t.key));
    for (const { t } of scored) {
      const stem = blankOut(s.text, t.surface);
      if (!stem.includes(BLANK) || stem === s.text) continue;
      const distractors = pickDistractors(t, s.text, pool);
      if (distractors.length < 3) continue;
      const questionText = wording.cloze(clip(stem, 400));
      if (!questionText.includes(BLANK)) continue;
      const { options, correct } = placeAnswer(t.surface, distractors, questionText);
      const applied = t.kind === "number" || hasExampleMarker(s.text);
      return {
        answerKey: t.key,
        question: {
          question: questionText,
          options,
          correct_index: correct,
          explanation: `${wording.because(t.surface, s.text)} [${s.chunk + 1}]`,
          source: s.chunk + 1,
          difficulty: difficulty(t.kind === "number" ? 0.5 : rarityOf(t.key, corpus), s.words.length, false),
          type: applied ? "application" : "recall",
          concept: concept(s, t.surface),
        },
      };
    }
    return null;
  };

  // Definitions first where the text has them, alternating with cloze items, one item per sentence.
  const definitions: Candidate[] = [];
  const clozes: Candidate[] = [];
  for (const s of ranked) {
    const item = definitionItem(s);
    if (item) definitions.push(item);
    else {
      const cloze = clozeItem(s);
      if (cloze) clozes.push(cloze);
    }
  }
  const questions: QuizQuestion[] = [];
  const askedAnswers = new Set<string>();
  const askedQuestions = new Set<string>();
  const add = (c: Candidate | undefined) => {
    if (!c || questions.length >= count) return;
    const q = fold(c.question.question);
    if (askedAnswers.has(c.answerKey) || askedQuestions.has(q)) return;
    askedAnswers.add(c.answerKey);
    askedQuestions.add(q);
    questions.push(c.question);
  };
  for (let i = 0; i < Math.max(definitions.length, clozes.length); i += 1) {
    add(definitions[i]);
    add(clozes[i]);
  }
  return questions;
}
