import { describe, expect, it } from "vitest";
import { detectLanguage, languageScores } from "../src/text/language.ts";
import { collapseSpaces, foldAccents, normalizeForMatch, wordsOf } from "../src/text/normalize.ts";

describe("detectLanguage", () => {
  it.each([
    ["La vaccination des enfants de moins de cinq ans est une priorité dans les districts sanitaires.", "fr"],
    ["L'agent de santé communautaire vérifie qu'il y a assez de vaccins.", "fr"],
    ["Le paludisme reste la première cause de consultation au Burkina Faso.", "fr"],
    ["Vaccinating children under five is a priority in the health districts.", "en"],
    ["The community health worker checks that there are enough vaccines in the fridge.", "en"],
    ["Malaria is still the leading cause of consultations in Burkina Faso and it's rising.", "en"],
    ["The cooperative in Côte d'Ivoire sells cocoa to the exporters of Abidjan.", "en"],
    ["Élevage, récolte, irrigation", "fr"],
  ] as const)("%s → %s", (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it("defaults to French on a tie or without evidence", () => {
    expect(detectLanguage("")).toBe("fr");
    expect(detectLanguage("12 345 678")).toBe("fr");
    expect(detectLanguage("Dakar Bamako")).toBe("fr");
    expect(languageScores("Dakar Bamako")).toEqual({ fr: 0, en: 0 });
  });

  it("is deterministic", () => {
    const text = "Le taux de mortalité infantile and the rate of stunting";
    expect(new Set(Array.from({ length: 5 }, () => detectLanguage(text))).size).toBe(1);
  });
});

describe("normalisation", () => {
  it("folds accents and ligatures like PostgreSQL's unaccent", () => {
    expect(foldAccents("Épidémiologie, cœur, Ægée, façade, naïve")).toBe("Epidemiologie, coeur, AEgee, facade, naive");
    expect(normalizeForMatch("Santé PUBLIQUE")).toBe("sante publique");
  });

  it("splits words on elisions and punctuation", () => {
    expect(wordsOf("L'eau potable, c'est la santé !")).toEqual(["l", "eau", "potable", "c", "est", "la", "sante"]);
  });

  it("collapses spaces but keeps line breaks", () => {
    expect(collapseSpaces("  a \t b\r\n  c  \n\n d ")).toBe("a b\nc\n\nd");
  });
});
