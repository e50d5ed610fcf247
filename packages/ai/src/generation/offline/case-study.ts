/**
 * The offline case study: a scenario from the chunks richest in figures and examples, the figures
 * themselves as data (label = the words before the figure), guided questions on each figure and
 * definition, and a correction that quotes and cites the sentence each answer comes from.
 */
import type { CaseStudyContent, Language } from "@sira/contracts";
import { inCountry } from "../../prompts/system.ts";
import type { GenerationContext, RetrievedChunk } from "../../types.ts";
import { buildCorpus, cite, rankedFor, type Sentence } from "./corpus.ts";
import { definitionIn } from "./terms.ts";
import { capitalize, clip, hasExampleMarker, hasNumber, isStopWord, stripFinalPunctuation } from "./text.ts";

const MAX_DATA = 6;
const MAX_QUESTIONS = 5;

const WORDING: Record<
  Language,
  {
    title: (t: string) => string;
    scenario: (place: string) => string;
    figure: (label: string) => string;
    figureHint: string;
    term: (t: string) => string;
    final: (place: string) => string;
    finalHint: string;
    figureNote: (where: string) => string;
    termNote: (where: string) => string;
    finalNote: string;
  }
> = {
  fr: {
    title: (t) => `Étude de cas : ${t}`,
    scenario: (place) => `Vous accompagnez une structure ${place} qui s'appuie sur ce cours pour prendre une décision.`,
    figure: (label) => `D'après les données, que vaut « ${label} » et qu'indique ce chiffre dans la situation ?`,
    figureHint: "Repérez la valeur dans les données puis relisez la phrase du cours qui la donne.",
    term: (t) => `Que signifie « ${t} » et pourquoi cette notion compte-t-elle ici ?`,
    final: (place) => `Au vu de ces éléments, quelle décision recommanderiez-vous ${place}, et pourquoi ?`,
    finalHint: "Appuyez-vous sur au moins deux données et une notion du cours.",
    figureNote: (where) =>
      `Chiffre tiré du cours (${where}). Citez la valeur exacte et son unité avant de l'interpréter.`,
    termNote: (where) => `Définition donnée par le cours (${where}). Reformulez-la, puis reliez-la au scénario.`,
    finalNote:
      "Une bonne réponse combine les données et les notions ci-dessus ; toute affirmation doit pouvoir être retrouvée dans les sources citées.",
  },
  en: {
    title: (t) => `Case study: ${t}`,
    scenario: (place) => `You are supporting an organisation ${place} that relies on this course to make a decision.`,
    figure: (label) => `According to the data, what is "${label}" and what does this figure tell us here?`,
    figureHint: "Find the value in the data, then reread the course sentence that gives it.",
    term: (t) => `What does "${t}" mean, and why does it matter here?`,
    final: (place) => `Given these facts, which decision would you recommend ${place}, and why?`,
    finalHint: "Use at least two data points and one notion from the course.",
    figureNote: (where) =>
      `Figure taken from the course (${where}). Quote the exact value and unit before interpreting it.`,
    termNote: (where) => `Definition given by the course (${where}). Rephrase it, then link it to the scenario.`,
    finalNote: "A good answer combines the data and notions above; every claim must be traceable to the cited sources.",
  },
};

const FIGURES =
  /(\d+(?:[ .,]\d{3})*(?:[.,]\d+)?)(\s?(?:%|‰|€|\$|(?:FCFA|F CFA|XOF|XAF|USD|EUR|kg|km|ha|tonnes?|ans?|years?|mois|months?|jours?|days?|heures?|hours?|habitants?|millions?|milliards?|billions?)(?![\p{L}\p{N}])))?/gu;

export interface Fact {
  label: string;
  value: string;
  sentence: Sentence;
}

/** The first figure of a sentence that has words before it, labelled with up to five of them. */
export function factIn(sentence: Sentence): Fact | null {
  for (const match of sentence.text.matchAll(FIGURES)) {
    const before = sentence.text
      .slice(0, match.index)
      .split(/[\s,;:()«»"]+/u)
      .filter(Boolean);
    const words = before.filter((w) => !isStopWord(w.replace(/^\p{L}['’]/u, "")) && !/^\d/.test(w)).slice(-5);
    if (!words.length) continue;
    const value = `${match[1]}${match[2] ?? ""}`.trim();
    return { label: clip(capitalize(words.join(" ")), 120), value, sentence };
  }
  return null;
}

function where(sentence: Sentence, chunks: RetrievedChunk[]): string {
  const chunk = chunks[sentence.chunk];
  const page = chunk?.page ? `, p. ${chunk.page}` : "";
  return `${chunk?.source ?? ""}${page} [${sentence.chunk + 1}]`;
}

export function buildOfflineCaseStudy(ctx: GenerationContext, chunks: RetrievedChunk[]): CaseStudyContent {
  const corpus = buildCorpus(chunks, ctx);
  const ranked = rankedFor(corpus.sentences, ctx.language);
  const w = WORDING[ctx.language];
  const place = inCountry(ctx.country, ctx.language);
  const illustrative = ranked.filter((s) => hasNumber(s.text) || hasExampleMarker(s.text));
  const local = (list: Sentence[]) => list.filter((s) => s.language === ctx.language);
  const scenarioSentences =
    [local(illustrative), local(ranked), illustrative, ranked].find((l) => l.length)?.slice(0, 3) ?? [];

  const facts: Fact[] = [];
  for (const s of ranked) {
    if (facts.length >= MAX_DATA) break;
    const fact = factIn(s);
    if (fact && !facts.some((f) => f.label === fact.label || f.sentence === s)) facts.push(fact);
  }
  const definitions = ranked
    .map((s) => ({ s, d: definitionIn(s.text, s.language) }))
    .filter((x): x is { s: Sentence; d: NonNullable<typeof x.d> } => x.d !== null)
    .slice(0, 2);

  const data = facts.map((f) => ({ label: f.label, value: f.value }));
  if (!data.length) {
    for (const { d } of definitions) data.push({ label: capitalize(d.term), value: clip(d.definition, 160) });
  }
  const first = ranked[0];
  if (!data.length && first)
    data.push({
      label: capitalize(chunks[first.chunk]?.source ?? "Source"),
      value: clip(stripFinalPunctuation(first.text), 160),
    });

  const questions: CaseStudyContent["questions"] = [];
  const correction: CaseStudyContent["correction"] = [];
  for (const f of facts.slice(0, MAX_QUESTIONS - 2)) {
    correction.push({
      question_index: questions.length,
      answer: `${f.value} : ${cite(f.sentence)}`,
      annotation: w.figureNote(where(f.sentence, chunks)),
    });
    questions.push({ question: w.figure(f.label), hint: w.figureHint });
  }
  for (const { s, d } of definitions) {
    if (questions.length >= MAX_QUESTIONS - 1) break;
    correction.push({ question_index: questions.length, answer: cite(s), annotation: w.termNote(where(s, chunks)) });
    questions.push({ question: w.term(d.term), hint: null });
  }
  const support = [...facts.map((f) => f.sentence), ...definitions.map((x) => x.s), ...ranked].slice(0, 2);
  correction.push({
    question_index: questions.length,
    answer: support.map(cite).join(" ") || scenarioSentences.map(cite).join(" "),
    annotation: w.finalNote,
  });
  questions.push({ question: w.final(place), hint: w.finalHint });

  const title = clip(w.title(ctx.unitTitle ?? ctx.moduleTitle), 200);
  const scenario = [w.scenario(place), ...scenarioSentences.map(cite)].join(" ");
  return { title, scenario, data, questions, correction };
}
