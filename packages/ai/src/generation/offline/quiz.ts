/**
 * The offline quiz: definition items ("which term is defined as …?") from definitional sentences,
 * cloze items (a salient term or figure blanked out of a sentence), each with three distractors
 * of the same kind taken from the course's own text, and analysis items: which of four statements
 * agrees with the course, the three others being the same sentence with its key term swapped for
 * a term of the same kind (comparing statements against the sources, decision 0050). Every answer
 * is written in its cited chunk. Difficulties are spread over 1-5 by rank within the quiz.
 */
import type { Language, QuizQuestion } from "@sira/contracts";
import type { GenerationContext, KnownQuestion, RetrievedChunk } from "../../types.ts";
import { buildCorpus, type Corpus, rankedFor, type Sentence } from "./corpus.ts";
import { definitionIn, pickDistractors, placeAnswer, type Term, termKey, termsOf } from "./terms.ts";
import { clip, collapse, fold, hasExampleMarker } from "./text.ts";

const WORDING: Record<
  Language,
  {
    definition: (d: string) => string;
    cloze: (s: string) => string;
    because: (a: string, s: string) => string;
    statement: (topic: string) => string;
    contrast: (s: string, a: string, wrong: string) => string;
  }
> = {
  fr: {
    definition: (d) => `Quel terme correspond à la définition suivante : « ${d} » ?`,
    cloze: (s) => `Complétez la phrase : « ${s} »`,
    because: (a, s) => `La bonne réponse est « ${a} ». Le cours l'indique : « ${s} »`,
    statement: (t) => `À propos de « ${t} », laquelle de ces affirmations est conforme au cours ?`,
    contrast: (s, a, w) =>
      `Le cours l'indique : « ${s} ». Les autres affirmations remplacent « ${a} » par un autre terme (par exemple « ${w} »), ce que le cours ne dit pas.`,
  },
  en: {
    definition: (d) => `Which term matches this definition: "${d}"?`,
    cloze: (s) => `Fill in the blank: "${s}"`,
    because: (a, s) => `The right answer is "${a}". The course says: "${s}"`,
    statement: (t) => `About "${t}", which of these statements agrees with the course?`,
    contrast: (s, a, w) =>
      `The course says: "${s}". The other statements put another term (such as "${w}") in place of "${a}", which the course does not say.`,
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

/** A raw difficulty score: kind of item, rarity of the answer and length of the sentence. */
function difficulty(rarity: number, wordCount: number, kind: "definition" | "cloze" | "analysis"): number {
  const base = kind === "definition" ? 0 : kind === "cloze" ? 1 : 2;
  return base + 2 * rarity + Math.min(1.5, wordCount / 25);
}

interface Candidate {
  question: QuizQuestion;
  answerKey: string;
  /** What makes two candidates the same question. */
  questionKey: string;
  /** The raw difficulty score, turned into a level 1-5 by rank (spreadDifficulties). */
  raw: number;
}

/**
 * Levels 1-5 by rank of the raw score within the quiz, in equal fifths, so a bank spans every
 * difficulty whatever the text; the CAT then serves items near the learner (decision 0050).
 */
export function spreadDifficulties(raws: readonly number[]): number[] {
  const order = raws.map((raw, i) => ({ raw, i })).sort((a, b) => a.raw - b.raw || a.i - b.i);
  const levels = new Array<number>(raws.length).fill(3);
  order.forEach(({ i }, rank) => {
    levels[i] = Math.min(5, 1 + Math.floor((rank * 5) / raws.length));
  });
  return levels;
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
  /** Questions the bank already holds: left out, so a top-up brings only new ones. */
  avoid?: readonly KnownQuestion[];
}

/** What makes two questions the same for a learner: the stem and the right option, case and accents aside. */
export const knownQuestionKey = (q: KnownQuestion): string => `${fold(q.question)}\u0000${fold(q.answer)}`;

export function buildOfflineQuiz({ ctx, chunks, count, distractorPool, avoid = [] }: OfflineQuizInput): QuizQuestion[] {
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
      questionKey: fold(questionText),
      raw: difficulty(rarityOf(answer.key, corpus), s.words.length, "definition"),
      question: {
        question: questionText,
        options,
        correct_index: correct,
        explanation: `${wording.because(d.term, s.text)} [${s.chunk + 1}]`,
        source: s.chunk + 1,
        difficulty: 3,
        type: "recall",
        concept: clip(d.term, 200),
      },
    };
  };

  const salientTerms = (s: Sentence) =>
    termsOf(s.text, s.language)
      .filter((t) => chunkText(s).includes(t.surface))
      .map((t) => ({
        t,
        score: t.kind === "number" ? 1.5 : t.key.split(" ").reduce((sum, w) => sum + corpus.weight(w), 0),
      }))
      .sort((a, b) => b.score - a.score || a.t.key.localeCompare(b.t.key));

  const clozeItem = (s: Sentence, skip?: string): Candidate | null => {
    for (const { t } of salientTerms(s)) {
      if (t.key === skip) continue;
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
        questionKey: fold(questionText),
        raw: difficulty(t.kind === "number" ? 0.5 : rarityOf(t.key, corpus), s.words.length, "cloze"),
        question: {
          question: questionText,
          options,
          correct_index: correct,
          explanation: `${wording.because(t.surface, s.text)} [${s.chunk + 1}]`,
          source: s.chunk + 1,
          difficulty: 3,
          type: applied ? "application" : "recall",
          concept: concept(s, t.surface),
        },
      };
    }
    return null;
  };

  // Four statements, one as the course writes it and three with its key term swapped: the learner
  // compares them against what the course says.
  const analysisItem = (s: Sentence, skip?: string): Candidate | null => {
    if (s.text.length > 300) return null;
    for (const { t } of salientTerms(s)) {
      if (t.key === skip) continue;
      if (!blankOut(s.text, t.surface).includes(BLANK)) continue;
      const distractors = pickDistractors(t, s.text, pool);
      if (distractors.length < 3) continue;
      const altered = distractors.slice(0, 3).map((d) => blankOut(s.text, t.surface).split(BLANK).join(d));
      if (new Set([s.text, ...altered].map(fold)).size !== 4) continue;
      const topic = concept(s, t.surface);
      const questionText = wording.statement(clip(topic, 120));
      const { options, correct } = placeAnswer(s.text, altered, `${questionText}${s.text}`);
      return {
        answerKey: `statement:${t.key}`,
        questionKey: fold(`${questionText} ${s.text}`),
        raw: difficulty(t.kind === "number" ? 0.5 : rarityOf(t.key, corpus), s.words.length, "analysis"),
        question: {
          question: questionText,
          options,
          correct_index: correct,
          explanation: `${wording.contrast(s.text, t.surface, distractors[0] ?? "")} [${s.chunk + 1}]`,
          source: s.chunk + 1,
          difficulty: 3,
          type: "analysis",
          concept: topic,
        },
      };
    }
    return null;
  };

  // First one item per sentence: a definition where the sentence defines a term, else a cloze and
  // an analysis item in turn, so the three kinds share the text. A short text then gives a second
  // item of another kind on sentences already used (with another answer), up to `count`.
  const definitions: Candidate[] = [];
  const clozes: Candidate[] = [];
  const analyses: Candidate[] = [];
  const seconds: Candidate[] = [];
  let turn = 0;
  const baseKey = (c: Candidate) => c.answerKey.replace(/^statement:/, "");
  for (const s of ranked) {
    const definition = definitionItem(s);
    if (!definition) turn += 1;
    const order = turn % 2 === 0 ? [analysisItem, clozeItem] : [clozeItem, analysisItem];
    const first = definition ?? order[0]?.(s) ?? order[1]?.(s) ?? null;
    if (!first) continue;
    if (first === definition) definitions.push(first);
    else (first.question.type === "analysis" ? analyses : clozes).push(first);
    // A second item on the sentence tests another term of it.
    for (const make of order) {
      const other = make(s, baseKey(first));
      if (other && other.question.type !== first.question.type) {
        seconds.push(other);
        break;
      }
    }
  }
  const chosen: Candidate[] = [];
  const askedAnswers = new Set<string>();
  const askedQuestions = new Set<string>();
  const known = new Set(avoid.map(knownQuestionKey));
  const add = (c: Candidate | undefined) => {
    if (!c || chosen.length >= count) return;
    if (askedAnswers.has(c.answerKey) || askedQuestions.has(c.questionKey)) return;
    const answer = c.question.options[c.question.correct_index] ?? "";
    if (known.has(knownQuestionKey({ question: c.question.question, answer }))) return;
    askedAnswers.add(c.answerKey);
    askedQuestions.add(c.questionKey);
    chosen.push(c);
  };
  for (let i = 0; i < Math.max(definitions.length, clozes.length, analyses.length); i += 1) {
    add(definitions[i]);
    add(clozes[i]);
    add(analyses[i]);
  }
  for (const c of seconds) add(c);
  const levels = spreadDifficulties(chosen.map((c) => c.raw));
  return chosen.map((c, i) => ({ ...c.question, difficulty: levels[i] ?? 3 }));
}
