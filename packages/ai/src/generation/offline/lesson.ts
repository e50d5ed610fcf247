/**
 * The offline lesson: key sentences of the retrieved chunks, chosen by TF-IDF score, arranged as
 * introduction → concepts (one per chapter, or per salient term) → an example (a sentence with
 * figures or an example marker) → synthesis → 5 key points, every sentence cited with its chunk.
 */
import type { Language } from "@sira/contracts";
import { countryName, inCountry } from "../../prompts/system.ts";
import type { GenerationContext, RetrievedChunk } from "../../types.ts";
import type { LessonParts } from "../lesson-markdown.ts";
import { buildCorpus, byReadingOrder, type Corpus, cite, rankedFor, type Sentence } from "./corpus.ts";
import { capitalize, clip, fold, hasExampleMarker, hasNumber, stripFinalPunctuation } from "./text.ts";

const MAX_CONCEPTS = 5;
const SENTENCES_PER_CONCEPT = 3;

const WORDING: Record<
  Language,
  {
    exampleTitle: (place: string) => string;
    exampleLead: (place: string) => string;
    synthesis: string;
    keep: (what: string) => string;
  }
> = {
  fr: {
    exampleTitle: (place) => `Un cas concret ${place}`,
    exampleLead: (place) => `Le cours en donne une illustration, à rapprocher de situations vécues ${place} :`,
    synthesis: "En résumé :",
    keep: (what) => `À retenir : ${what}`,
  },
  en: {
    exampleTitle: (place) => `A concrete case ${place}`,
    exampleLead: (place) => `The course gives an illustration, to relate to situations met ${place}:`,
    synthesis: "In short:",
    keep: (what) => `Remember: ${what}`,
  },
};

/** The surface form of a folded word as it is written in `text` ("developpement" → "développement"). */
function surfaceOf(word: string, text: string): string {
  for (const token of text.match(/[\p{L}\p{N}]+/gu) ?? []) if (fold(token) === word) return token;
  return word;
}

function topTerm(sentences: Sentence[], corpus: Corpus, exclude: Set<string>): string | null {
  const scores = new Map<string, number>();
  for (const s of sentences) {
    for (const w of new Set(s.words)) {
      if (exclude.has(w) || w.length < 4 || /^\d/.test(w)) continue;
      scores.set(w, (scores.get(w) ?? 0) + corpus.weight(w));
    }
  }
  let best: string | null = null;
  for (const [w, score] of scores) {
    if (best === null || score > (scores.get(best) ?? 0) || (score === scores.get(best) && w < best)) best = w;
  }
  return best;
}

interface ConceptGroup {
  title: string;
  sentences: Sentence[];
}

function groupsByChapter(pool: Sentence[], chunks: RetrievedChunk[], lessonTitle: string): ConceptGroup[] {
  const groups = new Map<string, ConceptGroup>();
  for (const s of pool) {
    const chapter = chunks[s.chunk]?.chapter?.trim();
    if (!chapter || fold(chapter) === fold(lessonTitle)) continue;
    const key = fold(chapter);
    const group = groups.get(key) ?? { title: chapter, sentences: [] };
    group.sentences.push(s);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function groupsByTerm(pool: Sentence[], corpus: Corpus, lessonTitle: string): ConceptGroup[] {
  const exclude = new Set(fold(lessonTitle).match(/[\p{L}\p{N}]+/gu) ?? []);
  const groups: ConceptGroup[] = [];
  let remaining = pool;
  while (groups.length < MAX_CONCEPTS && remaining.length) {
    const term = topTerm(remaining, corpus, exclude);
    if (!term) break;
    exclude.add(term);
    const sentences = remaining.filter((s) => s.words.includes(term));
    const first = sentences[0];
    if (!first) continue;
    groups.push({ title: capitalize(surfaceOf(term, first.text)), sentences });
    remaining = remaining.filter((s) => !s.words.includes(term));
  }
  return groups;
}

function paragraph(sentences: Sentence[]): string {
  return [...sentences].sort(byReadingOrder).map(cite).join(" ");
}

function sentenceEnd(text: string): string {
  return text.endsWith("…") ? text : `${text}.`;
}

function keyPoints(candidates: Sentence[], language: Language, conceptTitles: string[]): string[] {
  const points: string[] = [];
  const seen = new Set<string>();
  const add = (text: string) => {
    const key = fold(text);
    if (points.length < 5 && text.trim() && !seen.has(key)) {
      seen.add(key);
      points.push(text);
    }
  };
  for (const s of candidates) add(`${sentenceEnd(clip(stripFinalPunctuation(s.text), 180))} [${s.chunk + 1}]`);
  // A very short course text: clauses, then the concepts themselves, so there are always five.
  for (const s of candidates) {
    for (const clause of s.text.split(/[;:,]\s+/u)) {
      if (clause.split(" ").length >= 4)
        add(`${sentenceEnd(capitalize(stripFinalPunctuation(clause)))} [${s.chunk + 1}]`);
    }
  }
  for (const title of conceptTitles) add(WORDING[language].keep(title));
  for (let k = points.length; points.length < 5; k += 1) add(WORDING[language].keep(`${k + 1}`));
  return points;
}

/** A chunk scoring under this share of the best one is off the lesson's topic (kept: at least 3 chunks). */
const RELEVANCE_FLOOR = 0.5;
const MIN_LESSON_CHUNKS = 3;

/** The positions of the chunks close enough to the query to teach from. */
function relevantChunks(chunks: RetrievedChunk[]): Set<number> {
  const order = chunks.map((c, i) => ({ i, score: c.score })).sort((a, b) => b.score - a.score || a.i - b.i);
  const top = order[0]?.score ?? 0;
  if (!(top > 0)) return new Set(chunks.map((_, i) => i));
  return new Set(
    order.filter((c, rank) => rank < MIN_LESSON_CHUNKS || c.score >= top * RELEVANCE_FLOOR).map((c) => c.i),
  );
}

export function buildOfflineLesson(ctx: GenerationContext, chunks: RetrievedChunk[]): LessonParts {
  const corpus = buildCorpus(chunks, ctx);
  const relevant = relevantChunks(chunks);
  const ranked = rankedFor(
    corpus.sentences.filter((s) => relevant.has(s.chunk)),
    ctx.language,
  );
  const title = clip(ctx.unitTitle ?? ctx.moduleTitle, 200);
  const used = new Set<Sentence>();
  const take = (list: Sentence[]) => {
    for (const s of list) used.add(s);
    return list;
  };

  const [best, ...rest] = ranked;
  const sameLanguage = rest.filter((s) => s.language === best?.language);
  const second = sameLanguage.find((s) => s.chunk !== best?.chunk) ?? sameLanguage[0];
  const introduction = paragraph(take([best, second].filter((s): s is Sentence => s !== undefined)));

  const pool = ranked.filter((s) => !used.has(s) && s.language === (best?.language ?? ctx.language));
  let groups = groupsByChapter(pool, chunks, title);
  if (groups.length < 2) groups = groupsByTerm(pool, corpus, title);
  const concepts = groups
    .filter((g) => g.sentences.some((s) => !used.has(s)))
    .slice(0, MAX_CONCEPTS)
    .map((g) => ({
      title: clip(g.title, 200),
      explanation: paragraph(take(g.sentences.filter((s) => !used.has(s)).slice(0, SENTENCES_PER_CONCEPT))),
    }));
  if (!concepts.length) concepts.push({ title, explanation: introduction });

  const place = inCountry(ctx.country, ctx.language);
  // Figures or an example marker make a sentence illustrative; one set in the learner's country comes first.
  const country = fold(countryName(ctx.country, ctx.language));
  const illustrative = ranked
    .filter((s) => hasNumber(s.text) || hasExampleMarker(s.text))
    .sort((a, b) => Number(fold(b.text).includes(country)) - Number(fold(a.text).includes(country)));
  const exampleSentence =
    illustrative.find((s) => !used.has(s)) ?? ranked.find((s) => !used.has(s)) ?? illustrative[0] ?? best;
  if (exampleSentence) used.add(exampleSentence);
  const example = {
    title: clip(WORDING[ctx.language].exampleTitle(place), 200),
    body: `${WORDING[ctx.language].exampleLead(place)} ${exampleSentence ? cite(exampleSentence) : title}`,
  };

  // The synthesis restates the sentence that shares the most weighted words with the others.
  const central = [...ranked.slice(0, 12)].sort(
    (a, b) =>
      centrality(b, ranked, corpus) - centrality(a, ranked, corpus) || a.chunk - b.chunk || a.position - b.position,
  );
  const synthesisSentence = central.find((s) => !used.has(s)) ?? central[0];
  const synthesis = `${WORDING[ctx.language].synthesis} ${synthesisSentence ? cite(synthesisSentence) : introduction}`;

  const conceptLeads = concepts.map((c) => c.title);
  const points = keyPoints(ranked, ctx.language, conceptLeads);
  return { title, introduction: introduction || title, concepts, example, synthesis, key_points: points };
}

function centrality(sentence: Sentence, all: Sentence[], corpus: Corpus): number {
  const own = new Set(sentence.words);
  let shared = 0;
  for (const other of all) {
    if (other === sentence) continue;
    for (const w of new Set(other.words)) if (own.has(w)) shared += corpus.weight(w);
  }
  return shared / Math.sqrt(Math.max(4, sentence.words.length));
}
