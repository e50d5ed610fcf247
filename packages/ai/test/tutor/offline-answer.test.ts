import { describe, expect, it } from "vitest";
import { fold } from "../../src/generation/offline/text.ts";
import { revealsKey } from "../../src/tutor/key-guard.ts";
import { answerLanguage, isStuck, notCoveredAnswer, offlineTutorAnswer } from "../../src/tutor/offline-answer.ts";
import { COURSE_EN, MARKET_CHUNKS, PENURIE_ITEM, request } from "./chunks.ts";

function citedSentences(answer: string): string[] {
  return answer.match(/[^.!?\n]+[.!?]\s\[\d+\]/g) ?? [];
}

describe("offlineTutorAnswer", () => {
  it("answers from the course's best sentences, each cited, in reading order", () => {
    const answer = offlineTutorAnswer(request());
    expect(answer.startsWith("D'après le cours :")).toBe(true);
    const sentences = citedSentences(answer);
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(4);
    expect(answer).toContain(
      "Le prix d'équilibre est le prix auquel la quantité offerte est égale à la quantité demandée. [1]",
    );
    // Every quoted sentence is in the chunk its marker points at.
    for (const s of sentences) {
      const [, text, n] = s.match(/^\s*(.+?)\s\[(\d+)\]$/) ?? [];
      expect(MARKET_CHUNKS[Number(n) - 1]?.text).toContain(text?.trim());
    }
    const markers = [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(markers).toEqual([...markers].sort((a, b) => a - b));
    // The French answer does not quote the English chunk.
    expect(answer).not.toContain("equilibrium");
  });

  it("answers in English when the learner writes in English on a French course", () => {
    const answer = offlineTutorAnswer(request({ question: "What is the equilibrium price and how does it move?" }));
    expect(answer.startsWith("According to the course:")).toBe(true);
    expect(answer).toContain("[4]");
  });

  it("answers in the course language when the question is too short to tell", () => {
    expect(answerLanguage("prix plafond ?", "fr")).toBe("fr");
    expect(answerLanguage("prix plafond ?", "en")).toBe("en");
    expect(answerLanguage("Why does the price go up when demand rises?", "fr")).toBe("en");
    expect(answerLanguage("Pourquoi le prix monte-t-il quand la demande augmente ?", "en")).toBe("fr");
  });

  it("says the course does not cover a question when no chunk passed", () => {
    const answer = offlineTutorAnswer(request({ question: "Qui a gagné la Coupe du monde ?", chunks: [] }));
    expect(answer).toBe(notCoveredAnswer("fr", "Économie des marchés"));
    expect(answer).toContain("ne traitent pas de cette question");
    expect(
      offlineTutorAnswer(request({ course: COURSE_EN, question: "Who won the World Cup?", chunks: [] })),
    ).toContain("do not cover this question");
  });

  it("guides without the key when the question is about an open quiz item", () => {
    const answer = offlineTutorAnswer(
      request({
        question: "Quelle est la réponse pour le prix plafond sous le prix d'équilibre ?",
        guardedItems: [PENURIE_ITEM],
      }),
    );
    expect(answer).toContain("quiz en cours");
    expect(answer).toContain("« L'intervention de l'État », page 5 [5]");
    expect(answer.trim().endsWith("?")).toBe(true);
    expect(fold(answer)).not.toContain("penurie");
    expect(revealsKey(answer, [PENURIE_ITEM])).toBe(false);
  });

  it("leaves out a chapter title that would name the key", () => {
    const chunks = MARKET_CHUNKS.map((c) => (c.chunkIndex === 5 ? { ...c, chapter: "La pénurie" } : c));
    const answer = offlineTutorAnswer(
      request({
        question: "Que crée un prix plafond sous le prix d'équilibre ?",
        chunks,
        guardedItems: [PENURIE_ITEM],
      }),
    );
    expect(revealsKey(answer, [PENURIE_ITEM])).toBe(false);
    expect(answer).toContain("[5]");
  });

  it("ends with a guiding question on a key term when the learner is stuck", () => {
    const answer = offlineTutorAnswer(request({ question: "Je ne comprends pas le prix d'équilibre" }));
    const last = answer.split("\n\n").at(-1) ?? "";
    expect(last).toMatch(/^Avançons pas à pas : avec tes propres mots, que veut dire « .+ » ici \?$/);
    expect(last).toMatch(/« (?:équilibre|prix) »/);
    expect(offlineTutorAnswer(request())).not.toContain("Avançons");
  });

  it("is deterministic", () => {
    expect(offlineTutorAnswer(request())).toBe(offlineTutorAnswer(request()));
  });
});

describe("isStuck", () => {
  it("recognises a learner who is stuck, in French and English", () => {
    for (const text of [
      "Je ne comprends pas",
      "je comprends toujours pas la demande",
      "I still don't understand the ceiling",
      "j'ai pas compris la demande",
      "Je suis perdue là",
      "je n'y arrive pas",
      "I don't understand this",
      "I'm stuck on question 2",
      "I'm lost",
      "this is confusing",
      "I am confused about prices",
    ]) {
      expect(isStuck(text), text).toBe(true);
    }
  });

  it("does not mistake an ordinary question for it", () => {
    for (const text of ["Comment se forme le prix ?", "Je comprends, merci !", "What is the equilibrium price?"]) {
      expect(isStuck(text), text).toBe(false);
    }
  });
});
