/**
 * Terms of a course text for quiz items and flashcards: words, names and figures with their kind
 * (so a distractor is "of the same kind" as the answer), and definitional sentences ("X est …",
 * "X is …") split into term and definition.
 */
import type { Language } from "@sira/contracts";
import { collapse, fold, hash, isStopWord, stripFinalPunctuation } from "./text.ts";

export type TermKind = "number" | "name" | "word";

export interface Term {
  /** As written in the text. */
  surface: string;
  kind: TermKind;
  key: string;
  /** Seen right after a determiner ("la marge", "the budget"): most likely a noun. */
  nominal?: boolean;
  language?: Language;
}

const DETERMINER =
  /(?:^|[\s(«"])(?:le|la|les|l['’]|un|une|des|du|au|aux|sa|son|ses|leur|leurs|cette|ce|ces|the|a|an|its|their)\s*$/iu;

const NUMBER = /(?<![\p{L}\p{N}.,]|\d\s)\d+(?:[.,]\d+)?(?:\s?%)?(?![\p{L}\p{N}]|[.,]\d|\s\d)/gu;
const WORD = /(?<![\p{L}\p{N}])\p{L}[\p{L}\p{N}-]*\p{L}(?![\p{L}\p{N}])/gu;
const ELISION = /^(?:l|d|qu|n|s|j|c|m|t|jusqu|lorsqu)['’]/iu;

export function termKey(surface: string): string {
  return fold(surface).replace(/\s+/g, " ");
}

/** Terms of one sentence, in order: figures, names (capitalised, not first word) and content words. */
export function termsOf(sentence: string, language?: Language): Term[] {
  const terms: Term[] = [];
  const extra = (index: number) => ({
    nominal: DETERMINER.test(sentence.slice(0, index)),
    ...(language ? { language } : {}),
  });
  for (const m of sentence.matchAll(NUMBER))
    terms.push({ surface: m[0], kind: "number", key: termKey(m[0]), ...(language ? { language } : {}) });
  for (const m of sentence.matchAll(WORD)) {
    const surface = m[0].replace(ELISION, "");
    if (surface.length < 4 || isStopWord(surface)) continue;
    const first = (m.index ?? 0) === 0;
    const capitalised = /^\p{Lu}/u.test(surface);
    const kind: TermKind = capitalised && (!first || /^\p{Lu}{2,}$/u.test(surface)) ? "name" : "word";
    const index = (m.index ?? 0) + (m[0].length - surface.length);
    if (capitalised && first && kind === "word") {
      terms.push({ surface: surface.toLocaleLowerCase(), kind, key: termKey(surface), ...extra(index) });
      continue;
    }
    terms.push({ surface, kind, key: termKey(surface), ...extra(index) });
  }
  return terms;
}

export interface Definition {
  term: string;
  definition: string;
}

const DEFINITION_PATTERNS: Record<Language, RegExp> = {
  fr: /^(?:(?:le|la|les|un|une|des)\s+|l['’])?(?<term>[\p{L}][\p{L}\p{N}'’ -]{1,58}?)\s+(?:est|sont|désigne|désignent|correspond à|se définit comme|représente|signifie)\s+(?<definition>.{15,})$/iu,
  en: /^(?:(?:the|an|a)\s+)?(?<term>[\p{L}][\p{L}\p{N}'’ -]{1,58}?)\s+(?:is defined as|refers to|is|are|means|denotes)\s+(?<definition>.{15,})$/iu,
};
const PRONOUNS = new Set(
  "il elle ils elles ce cet cette ces cela ceci celui celle on nous vous son sa ses leur leurs notre votre " +
    "this that it its they their these those there which who what our".split(" "),
);

/** "L'inflation est la hausse générale des prix." → { term: "inflation", definition: "la hausse générale des prix" }. */
export function definitionIn(sentence: string, language: Language): Definition | null {
  const match = DEFINITION_PATTERNS[language].exec(collapse(sentence));
  const term = match?.groups?.term?.trim();
  const definition = match?.groups?.definition;
  if (!term || !definition) return null;
  const words = term.split(/\s+/);
  if (words.length > 5 || PRONOUNS.has(fold(words[0] ?? ""))) return null;
  if (words.every((w) => isStopWord(w.replace(ELISION, "")) || w.length < 3)) return null;
  // "X est utilisé par …", "X is used by …": a passive voice, not a definition.
  if (/^\p{L}+(?:é|ée|és|ées|ed)\b/iu.test(definition)) return null;
  const clean = stripFinalPunctuation(definition.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, ""));
  if (clean.length < 15) return null;
  return { term, definition: clean };
}

function numericValue(surface: string): number {
  return Number(surface.replace(/\s?%$/, "").replace(",", "."));
}

/** Figures near the answer, when the course text has too few of its own: halves, doubles, tenths. */
function nearbyNumbers(answer: string): string[] {
  const value = numericValue(answer);
  if (!Number.isFinite(value)) return [];
  const decimals = (answer.match(/[.,](\d+)/)?.[1] ?? "").length;
  const separator = answer.includes(",") ? "," : ".";
  const suffix = answer.match(/\s?%$/)?.[0] ?? "";
  const isYear = Number.isInteger(value) && value >= 1800 && value <= 2100 && !suffix;
  const candidates = isYear
    ? [value - 5, value + 5, value - 10, value + 10]
    : [value * 2, value / 2, value * 1.5, value + Math.max(1, value / 10), value * 3];
  return candidates.filter((v) => v > 0).map((v) => `${v.toFixed(decimals).replace(".", separator)}${suffix}`);
}

/**
 * Three wrong options of the answer's kind, from the course's own terms: similar length and ending
 * first (so they read as plausible), never the answer, a word of its family, or a word of the stem.
 */
export function pickDistractors(answer: Term, stem: string, pool: Term[]): string[] {
  const stemKeys = new Set((fold(stem).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w));
  const answerRoot = answer.key.slice(0, 5);
  const seen = new Set<string>([answer.key]);
  const candidates: { surface: string; rank: number; tie: number }[] = [];
  const nominal = new Set(pool.filter((t) => t.nominal).map((t) => t.key));
  for (const term of pool) {
    if (seen.has(term.key)) continue;
    if (term.kind !== answer.kind) continue;
    if (answer.language && term.language && term.language !== answer.language) continue;
    if (answer.kind !== "number" && (term.key.slice(0, 5) === answerRoot || stemKeys.has(term.key))) continue;
    if (
      answer.kind === "number" &&
      (numericValue(term.surface) === numericValue(answer.surface) || stem.includes(term.surface))
    )
      continue;
    if (answer.kind === "number" && /%$/.test(term.surface) !== /%$/.test(answer.surface)) continue;
    seen.add(term.key);
    const lengthGap = Math.abs(term.surface.length - answer.surface.length);
    const sameEnding = term.key.slice(-3) === answer.key.slice(-3) ? 0 : 3;
    const sameRole = answer.kind !== "word" || nominal.has(answer.key) === nominal.has(term.key) ? 0 : 8;
    candidates.push({
      surface: term.surface,
      rank: lengthGap + sameEnding + sameRole,
      tie: hash(`${answer.key}|${term.key}`),
    });
  }
  candidates.sort((a, b) => a.rank - b.rank || a.tie - b.tie);
  const picked = candidates.slice(0, 3).map((c) => c.surface);
  if (answer.kind === "number") {
    for (const near of nearbyNumbers(answer.surface)) {
      if (picked.length >= 3) break;
      if (!picked.includes(near) && near !== answer.surface) picked.push(near);
    }
  }
  return picked;
}

/** The answer placed among the distractors at a position fixed by the question's text. */
export function placeAnswer(
  answer: string,
  distractors: string[],
  question: string,
): { options: string[]; correct: number } {
  const correct = hash(question) % 4;
  const options = [...distractors.slice(0, 3)];
  options.splice(correct, 0, answer);
  return { options, correct };
}
