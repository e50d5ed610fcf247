/**
 * The answer key of the learner's open quiz never reaches them through the tutor. The learner's
 * question is matched to the open items it is about, and the streamed answer runs through a guard
 * that holds back the last characters (enough to contain any forbidden phrase) and reports a leak
 * as soon as the text names the correct option, by its wording or by its letter or number.
 */
import type { Language } from "@sira/contracts";
import { clip, contentWords, fold } from "../generation/offline/text.ts";
import { hasStem } from "./relevance.ts";
import type { OpenQuizItem } from "./types.ts";

const LETTERS = ["a", "b", "c", "d"];

/** Folded, with every run of characters that are not letters or digits turned into one space. */
export function keyMatchForm(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Start offsets (in ` haystack `) of `needle` as whole words; both normalized. */
function wholeWordOffsets(haystack: string, needle: string, padEnd = true): number[] {
  const offsets: number[] = [];
  if (!needle) return offsets;
  const padded = padEnd ? ` ${haystack} ` : ` ${haystack}`;
  let from = 0;
  for (;;) {
    const at = padded.indexOf(` ${needle} `, from);
    if (at < 0) return offsets;
    offsets.push(at);
    from = at + 1;
  }
}

function containsWholeWords(haystack: string, needle: string): boolean {
  return wholeWordOffsets(haystack, needle).length > 0;
}

/** The open items the question is about: most of a stem's words, or two of its options, are in it. */
export function itemsAskedAbout(question: string, items: OpenQuizItem[]): OpenQuizItem[] {
  const asked = keyMatchForm(question);
  const askedWords = new Set(contentWords(question));
  return items.filter((item) => {
    const stemWords = [...new Set(contentWords(item.stem))];
    const found = stemWords.filter((w) => askedWords.has(w) || hasStem(askedWords, w)).length;
    if (stemWords.length && found / stemWords.length >= 0.5) return true;
    const optionsNamed = item.options.filter((o) => containsWholeWords(asked, keyMatchForm(o))).length;
    return optionsNamed >= 2;
  });
}

/**
 * The correct option's wording occurs, but not only inside a longer option that contains it. While
 * streaming (`final` false) a match counts only once the text after it decides: a following letter
 * ("offre" → "offrent") or a longer option still arriving ("prix" → "prix plancher") would undo it.
 */
function namesKeyText(text: string, item: OpenQuizItem, final: boolean): boolean {
  const key = keyMatchForm(item.options[item.correctIndex] ?? "");
  if (!key) return false;
  const hits = wholeWordOffsets(text, key, final);
  if (!hits.length) return false;
  const covered: [number, number][] = [];
  let extension = 0;
  item.options.forEach((option, i) => {
    const other = keyMatchForm(option);
    if (i === item.correctIndex || other.length <= key.length || !containsWholeWords(other, key)) return;
    extension = Math.max(extension, other.length - key.length);
    for (const at of wholeWordOffsets(text, other, final)) covered.push([at, at + other.length]);
  });
  const end = final ? text.length + 2 : text.length + 1;
  return hits.some(
    (at) =>
      (final || end - (at + key.length + 2) >= extension) &&
      !covered.some(([start, stop]) => at >= start && at + key.length <= stop),
  );
}

const ANSWER_NOUN =
  "(?:(?:la |une |the )?(?:bonne |correct |right )?(?:reponses?|answers?|solution|options?|choix|choices?|propositions?|lettres?|letters?))";
const LINK =
  "\\s*(?:(?:correcte|juste|exacte|bonne|correct|right)\\s*)?(?:(?:est|c'est|is|serait|would be|=|:)\\s*)?(?:(?:la|the)\\s+|l')?(?:(?:option|lettre|letter|choix|choice|proposition|numero|number)\\s*)?";

/**
 * "la réponse est B", "réponse (b)", "answer is B", "option 2" for the key's letter or number. While
 * streaming, the character after the letter must have arrived ("réponse b" may become "réponse bien").
 */
function keyStatement(correctIndex: number, final: boolean): RegExp {
  const letter = LETTERS[correctIndex];
  const number = String(correctIndex + 1);
  const after = final ? "(?![\\p{L}\\p{N}'])" : "(?=[^\\p{L}\\p{N}'])";
  // A lone "a" is also a French verb and an English article: it counts only before punctuation or the end.
  const aAfter = final ? '(?=\\s*(?:$|[).,;:!?»"*\\]]))' : '(?=\\s*[).,;:!?»"*\\]])';
  const letterAlternative = letter === "a" ? `a${aAfter}` : letter ? `${letter}${after}` : "";
  const target = [letterAlternative, `${number}${after}`].filter(Boolean).join("|");
  return new RegExp(`\\b${ANSWER_NOUN}${LINK}[(«"*\\[]*\\s*(?:${target})`, "u");
}

/** Folded, whitespace collapsed, apostrophes kept as "'" (letter statements need them). */
function foldForStatements(text: string): string {
  return fold(text).replace(/’/g, "'").replace(/\s+/g, " ");
}

/** Normalized for wording matches, keeping a trailing space when the text ends between words. */
function normalizeStream(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/^ /, "");
}

/** Whether the answer text reveals one of the items' keys; `final` when no more text will follow. */
export function revealsKey(text: string, items: OpenQuizItem[], final = true): boolean {
  const normalized = final ? keyMatchForm(text) : normalizeStream(text);
  const statements = foldForStatements(text);
  return items.some(
    (item) => namesKeyText(normalized, item, final) || keyStatement(item.correctIndex, final).test(statements),
  );
}

export interface KeyGuardOutput {
  text: string;
  leaked: boolean;
}

export interface KeyGuard {
  push(delta: string): KeyGuardOutput;
  flush(): KeyGuardOutput;
}

/** Enough letters and digits to contain the longest letter statement ("la bonne réponse est la proposition b"). */
const STATEMENT_SPAN = 64;

function alphanumericCount(text: string): number {
  return text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
}

/** Streams an answer through, holding back its tail until it cannot be the start of a leak. */
export function createKeyGuard(items: OpenQuizItem[], _language?: Language): KeyGuard {
  // The key, or a longer option containing it, is never longer than the longest option.
  const longestKey = Math.max(0, ...items.flatMap((item) => item.options.map((o) => alphanumericCount(fold(o)))));
  // A match not yet complete has fewer letters and digits than the pattern: holding this many is enough.
  const hold = Math.max(STATEMENT_SPAN, longestKey) + 1;
  let released = "";
  let held = "";
  let leaked = false;

  function releasable(): number {
    let count = 0;
    for (let i = held.length - 1; i >= 0; i -= 1) {
      if (/[\p{L}\p{N}]/u.test(held[i] ?? "")) count += 1;
      if (count >= hold) return i;
    }
    return 0;
  }

  return {
    push(delta) {
      if (leaked) return { text: "", leaked: true };
      held += delta;
      if (items.length && revealsKey(released + held, items, false)) {
        leaked = true;
        held = "";
        return { text: "", leaked: true };
      }
      const cut = items.length ? releasable() : held.length;
      const out = held.slice(0, cut);
      held = held.slice(cut);
      released += out;
      return { text: out, leaked: false };
    },
    flush() {
      if (leaked) return { text: "", leaked: true };
      if (items.length && revealsKey(released + held, items)) {
        leaked = true;
        held = "";
        return { text: "", leaked: true };
      }
      const out = held;
      held = "";
      released += out;
      return { text: out, leaked: false };
    },
  };
}

/** What the learner sees instead of an answer that named the key: encouragement and a guiding question. */
export function guardedRefusal(language: Language, item?: OpenQuizItem): string {
  const stem = item ? clip(item.stem.replace(/\s+/g, " ").trim(), 140) : null;
  if (language === "en") {
    return [
      "This question is part of your quiz in progress, so I won't give you the answer: you can find it yourself!",
      stem ? `Reread the part of the course about “${stem}”.` : "Reread the part of the course this question is about.",
      "Which of the options matches best what the course says, and why?",
    ].join(" ");
  }
  return [
    "Cette question fait partie de ton quiz en cours : je ne te donne donc pas la réponse, mais tu peux la trouver !",
    stem ? `Relis la partie du cours qui traite de « ${stem} ».` : "Relis la partie du cours qui en parle.",
    "Selon toi, quelle proposition correspond le mieux à ce que dit le cours, et pourquoi ?",
  ].join(" ");
}
