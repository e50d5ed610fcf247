/**
 * The tutor without a language model: an extractive answer made of the course's own sentences that
 * best match the question, each cited, in the learner's language. It says when the course does not
 * cover a question, never gives the key of an open quiz item, and asks a guiding question back
 * when the learner says they are stuck.
 */
import type { Language } from "@sira/contracts";
import { buildCorpus, byReadingOrder, cite, type Sentence } from "../generation/offline/corpus.ts";
import { clip, collapse, fold } from "../generation/offline/text.ts";
import { languageScores } from "../text/language.ts";
import type { RetrievedChunk } from "../types.ts";
import { revealsKey } from "./key-guard.ts";
import { hasStem, lexicalOverlap, questionWords, sameStem } from "./relevance.ts";
import type { OpenQuizItem, TutorRequest } from "./types.ts";

const MAX_SENTENCES = 4;
const MIN_SENTENCES = 2;
/** How much more evidence the other language needs before the answer switches to it. */
const LANGUAGE_MARGIN = 1.5;

const STUCK: RegExp[] = [
  /\bje (?:ne |n')?(?:comprends|comprend|saisis|vois)(?: toujours| vraiment| encore)? (?:pas|rien)\b/,
  /\bj'?(?:ai|ai pas|n'ai) (?:pas |rien )?compris\b/,
  /\b(?:pas|rien) compris\b/,
  /\bje (?:suis|me sens) (?:perdu|perdue|bloque|bloquee|largue|larguee)\b/,
  /\bje (?:n'y|n y|y) arrive pas\b/,
  /\bj'y arrive pas\b/,
  /\bje bloque\b/,
  /\bc'est (?:pas clair|flou|trop (?:dur|difficile|complique))\b/,
  /\bi (?:still |really )?(?:do not|don't|dont|can't|cannot) (?:really )?(?:understand|get it|follow)\b/,
  /\b(?:i'm|im|i am) (?:stuck|lost|confused)\b/,
  /\bconfus(?:ed|ing|e)\b/,
  /\b(?:makes no sense|doesn't make sense|does not make sense)\b/,
];

/** Whether the learner says they are stuck or confused (French or English). */
export function isStuck(text: string): boolean {
  const folded = fold(text).replace(/’/g, "'").replace(/\s+/g, " ");
  return STUCK.some((pattern) => pattern.test(folded));
}

/** The course's language, unless the learner clearly wrote in the other one. */
export function answerLanguage(question: string, courseLanguage: Language): Language {
  const scores = languageScores(question);
  const other: Language = courseLanguage === "fr" ? "en" : "fr";
  return scores[other] - scores[courseLanguage] >= LANGUAGE_MARGIN ? other : courseLanguage;
}

const WORDING: Record<
  Language,
  {
    lead: string;
    notCovered: (course: string) => string;
    stuck: (term: string) => string;
    quizIntro: string;
    reread: (where: string, n: number) => string;
    chapter: (title: string) => string;
    page: (page: number) => string;
    document: (name: string) => string;
    quizQuestion: string;
  }
> = {
  fr: {
    lead: "D'après le cours :",
    notCovered: (course) =>
      `Les documents du cours « ${course} » ne traitent pas de cette question : je préfère ne pas y répondre plutôt que de m'éloigner du cours. Pose-moi une question sur ce que tu étudies, je t'aiderai avec plaisir !`,
    stuck: (term) => `Avançons pas à pas : avec tes propres mots, que veut dire « ${term} » ici ?`,
    quizIntro:
      "Cette question fait partie de ton quiz en cours : je ne te donne donc pas la réponse, mais je peux t'aider à la trouver.",
    reread: (where, n) => `Relis ${where} [${n}].`,
    chapter: (title) => `le chapitre « ${title} »`,
    page: (page) => `page ${page}`,
    document: (name) => `le passage du document « ${name} »`,
    quizQuestion: "En relisant ce passage, quelle proposition correspond le mieux à ce qu'il explique, et pourquoi ?",
  },
  en: {
    lead: "According to the course:",
    notCovered: (course) =>
      `The documents of the course “${course}” do not cover this question, so I would rather not answer it than stray from the course. Ask me a question about what you are studying and I will gladly help!`,
    stuck: (term) => `Let's take it step by step: in your own words, what does “${term}” mean here?`,
    quizIntro:
      "This question is part of your quiz in progress, so I won't give you the answer, but I can help you find it.",
    reread: (where, n) => `Reread ${where} [${n}].`,
    chapter: (title) => `the chapter “${title}”`,
    page: (page) => `page ${page}`,
    document: (name) => `the passage of the document “${name}”`,
    quizQuestion: "As you reread it, which option best matches what the passage explains, and why?",
  },
};

/** The polite answer to a question the course documents do not cover. */
export function notCoveredAnswer(language: Language, courseTitle: string): string {
  return WORDING[language].notCovered(courseTitle);
}

interface Scored {
  sentence: Sentence;
  overlap: number;
  score: number;
}

function scoreSentences(question: string, chunks: RetrievedChunk[]): Scored[] {
  const corpus = buildCorpus(chunks);
  const wanted = questionWords(question);
  const total = Math.max(1, corpus.sentences.length);
  // A word found in few sentences says more about what is asked than one found everywhere ("prix").
  const rarity = (word: string): number => {
    let df = 0;
    for (const [w, n] of corpus.documentFrequency) if (sameStem(w, word)) df = Math.max(df, n);
    return Math.log(1 + total / Math.max(1, df));
  };
  const weights = new Map(wanted.map((w) => [w, rarity(w)]));
  const wantedWeight = [...weights.values()].reduce((a, b) => a + b, 0);
  const best = Math.max(1e-9, ...corpus.sentences.map((s) => s.score));
  return corpus.sentences.map((sentence) => {
    const words = new Set(sentence.words);
    const matched = wanted.filter((w) => words.has(w) || hasStem(words, w));
    const overlap = wantedWeight > 0 ? matched.reduce((sum, w) => sum + (weights.get(w) ?? 0), 0) / wantedWeight : 0;
    // Overlap decides; the sentence's own TF-IDF weight only breaks near-ties.
    return { sentence, overlap, score: overlap + 0.1 * (sentence.score / best) };
  });
}

function byScoreThenOrder(a: Scored, b: Scored): number {
  return b.score - a.score || byReadingOrder(a.sentence, b.sentence);
}

/** The 2-4 sentences that best answer the question, best first. */
function answerSentences(question: string, chunks: RetrievedChunk[], language: Language): Scored[] {
  const scored = scoreSentences(question, chunks);
  const inLanguage = scored.filter((s) => s.sentence.language === language);
  const pool = inLanguage.some((s) => s.overlap > 0) || !scored.some((s) => s.overlap > 0) ? inLanguage : scored;
  const ranked = (pool.length ? pool : scored).sort(byScoreThenOrder);
  const first = ranked[0];
  if (!first) return [];
  const chosen = ranked.filter((s) => first.overlap > 0 && s.overlap >= first.overlap / 2).slice(0, MAX_SENTENCES);
  if (!chosen.length) chosen.push(first);
  // Too few matching sentences: the ones next to the best one, in its chunk, complete the explanation.
  const distance = (s: Scored) =>
    s.sentence.chunk === first.sentence.chunk ? Math.abs(s.sentence.position - first.sentence.position) : Infinity;
  const neighbours = ranked
    .filter((s) => distance(s) < Infinity)
    .sort((a, b) => distance(a) - distance(b) || byScoreThenOrder(a, b));
  for (const s of [...neighbours, ...ranked]) {
    if (chosen.length >= MIN_SENTENCES) break;
    if (!chosen.includes(s)) chosen.push(s);
  }
  return chosen;
}

/** The surface form of a folded word as written in `text` ("equilibre" → "équilibre"). */
function surfaceOf(word: string, text: string): string {
  for (const token of text.match(/[\p{L}\p{N}]+/gu) ?? []) if (fold(token) === word) return token;
  return word;
}

/** The best sentence's key term: a question word it contains, else its longest content word. */
function keyTerm(question: string, sentence: Sentence): string | null {
  const candidates = sentence.words.filter((w) => w.length >= 4 && !/^\d/.test(w));
  const asked = questionWords(question);
  const fromQuestion = candidates.filter((w) => hasStem(asked, w));
  const pool = fromQuestion.length ? fromQuestion : candidates;
  const term = [...pool].sort((a, b) => b.length - a.length || (a < b ? -1 : 1))[0];
  return term ? surfaceOf(term, sentence.text) : null;
}

function paragraphs(sentences: Sentence[]): string {
  const blocks: Sentence[][] = [];
  for (const s of sentences) {
    const last = blocks[blocks.length - 1];
    if (last && last[0]?.chunk === s.chunk) last.push(s);
    else blocks.push([s]);
  }
  return blocks.map((block) => block.map(cite).join(" ")).join("\n\n");
}

function bestChunkFor(text: string, chunks: RetrievedChunk[]): number {
  let best = 0;
  let bestOverlap = -1;
  chunks.forEach((chunk, i) => {
    const overlap = lexicalOverlap(text, chunk.text);
    if (overlap > bestOverlap) {
      best = i;
      bestOverlap = overlap;
    }
  });
  return best;
}

/** Where to reread, never naming a key: the chapter and page if they are safe to show. */
function rereadLine(chunk: RetrievedChunk, n: number, items: OpenQuizItem[], language: Language): string {
  const w = WORDING[language];
  const page = chunk.page !== null ? w.page(chunk.page) : null;
  const candidates = [
    chunk.chapter ? [w.chapter(clip(collapse(chunk.chapter), 120)), page].filter(Boolean).join(", ") : null,
    [w.document(clip(chunk.source, 120)), page].filter(Boolean).join(", "),
  ];
  for (const where of candidates) {
    if (!where) continue;
    const line = w.reread(where, n);
    if (!revealsKey(line, items)) return line;
  }
  return w.reread(language === "fr" ? "le passage cité" : "the cited passage", n);
}

function guidedAnswer(req: TutorRequest, language: Language): string {
  const w = WORDING[language];
  const lines = [w.quizIntro];
  if (req.chunks.length) {
    const about = [req.question, ...req.guardedItems.map((i) => i.stem)].join(" ");
    const best = bestChunkFor(about, req.chunks);
    const chunk = req.chunks[best];
    if (chunk) lines.push(rereadLine(chunk, best + 1, req.guardedItems, language));
  }
  lines.push(w.quizQuestion);
  return lines.join("\n\n");
}

/** The offline tutor's Markdown answer to `req.question`. */
export function offlineTutorAnswer(req: TutorRequest): string {
  const language = answerLanguage(req.question, req.course.language);
  if (req.guardedItems.length) return guidedAnswer(req, language);
  if (!req.chunks.length) return notCoveredAnswer(language, req.course.courseTitle);
  const chosen = answerSentences(req.question, req.chunks, language);
  if (!chosen.length) return notCoveredAnswer(language, req.course.courseTitle);
  const parts = [WORDING[language].lead, paragraphs(chosen.map((s) => s.sentence).sort(byReadingOrder))];
  if (isStuck(req.question)) {
    const best = chosen[0];
    const term = best ? keyTerm(req.question, best.sentence) : null;
    if (term) parts.push(WORDING[language].stuck(term));
  }
  return parts.join("\n\n");
}
