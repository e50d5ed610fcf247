import { describe, expect, it } from "vitest";
import { bodySentences, contentWords, summarizeText, textRankScores } from "../src/text/textrank.ts";

describe("contentWords", () => {
  it("drops the sentence language's stop words, folds accents and a plural s", () => {
    expect(contentWords("Les agents de santé sont dans le district.", "fr")).toEqual(["agent", "sante", "district"]);
    expect(contentWords("The health workers are in the districts, at 10 sites.", "en")).toEqual([
      "health",
      "worker",
      "district",
      "site",
    ]);
    // "a" is a verb form in French and an article in English: a stop word in both, by each list.
    expect(contentWords("Il a une fièvre", "fr")).toEqual(["fievre"]);
  });
});

describe("bodySentences", () => {
  it("keeps prose sentences once, and leaves out titles, headings, lists, tables, code and captions", () => {
    const text = [
      "Guide of Rural Health Programmes",
      "Awa Diallo, Kofi Mensah and Claire Dubois.",
      "",
      "## 1 Background",
      "Dr. Diallo and M. Diop trained the health workers of twelve districts in two weeks. They visited every village once a month.",
      "They visited every village once a month.",
      "- Health workers carry zinc and oral rehydration salts to every village.",
      "1. Health workers carry zinc and oral rehydration salts to every village.",
      "District | Villages | Health workers",
      "Figure 2. Health workers carry zinc and oral rehydration salts to every village.",
      "```",
      "Health workers carry zinc and oral rehydration salts to every village.",
      "```",
      "Short line.",
    ].join("\n");
    expect(bodySentences(text)).toEqual([
      "Dr. Diallo and M. Diop trained the health workers of twelve districts in two weeks.",
      "They visited every village once a month.",
    ]);
  });
});

describe("textRankScores", () => {
  it("scores highest the sentence the others share words with, and an unrelated one at the floor", () => {
    const sentences = [
      "Bed nets protect children from malaria at night.",
      "Health workers give treated bed nets, malaria tests and treatment to children.",
      "Health workers test children for malaria in the village.",
      "The committee meets on Tuesdays in the town hall.",
    ];
    const scores = textRankScores(sentences, "en");
    const best = scores.indexOf(Math.max(...scores));
    expect(best).toBe(1);
    expect(scores[3]).toBeCloseTo(0.15, 6);
    expect(textRankScores(sentences, "en")).toEqual(scores);
  });
});

describe("summarizeText", () => {
  const items = [
    "treated bed nets",
    "malaria tests",
    "zinc tablets",
    "measles vaccines",
    "water filters",
    "vitamin capsules",
    "delivery kits",
  ];
  const groups = ["families", "schools", "mothers", "elders", "farmers"];
  const paragraph = (i: number) =>
    `Village ${i} received ${i % 40} ${items[i % 7]} for its ${groups[i % 5]} this season. ` +
    `The health worker of village ${i} tested ${i % 70} children for malaria and treated them the same day.`;

  it("stays within maxChars, in reading order, and compares at most maxSentences sentences spread over the text", () => {
    const text = Array.from({ length: 2_000 }, (_, i) => paragraph(i)).join("\n\n");
    const summary = summarizeText(text, { maxChars: 400, maxSentences: 50 });
    expect(summary.language).toBe("en");
    expect(summary.text.length).toBeLessThanOrEqual(400);
    expect(summary.sentences.length).toBeGreaterThan(1);
    const positions = summary.sentences.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // 50 of 4,000 sentences, one in eighty: only the first sentences of villages 0, 40, 80… are compared.
    for (const s of summary.sentences) expect(Number(/^Village (\d+) received/.exec(s)?.[1]) % 40).toBe(0);
    expect(summarizeText(text, { maxChars: 400, maxSentences: 50 })).toEqual(summary);
  });

  it("is empty when nothing is prose, and keeps to a given language", () => {
    expect(summarizeText("# Title\n\n- item one\n- item two", { maxChars: 500 }).text).toBe("");
    const mixed =
      "Le paludisme est transmis par la piqûre du moustique anophèle femelle. La moustiquaire imprégnée protège toute la famille pendant la nuit.\n\n" +
      "Malaria is transmitted by the bite of the female anopheles mosquito at night.";
    expect(summarizeText(mixed, { maxChars: 1_000 }).text).not.toContain("Malaria");
    expect(summarizeText(mixed, { maxChars: 1_000, language: "fr" }).language).toBe("fr");
  });
});
