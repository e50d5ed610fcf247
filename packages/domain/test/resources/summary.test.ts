/**
 * The offline summary: TextRank over a document's body sentences, in its language and reading
 * order. A paper's title, authors and boilerplate, headings, lists, tables and code are never the
 * summary; the same document always gives the same summary; a large document is bounded.
 */
import { describe, expect, it } from "vitest";
import { SUMMARY_MAX_CHARS, summarize, summarizeDocument } from "../../src/resources/summary.ts";

const FR_CENTRAL =
  "Le paludisme recule dans les districts où les agents de santé communautaire distribuent des moustiquaires imprégnées, font le test de diagnostic rapide et commencent le traitement le jour même.";
const FR_BOILERPLATE =
  "Ce document peut être reproduit librement à des fins non commerciales, à condition d'en citer l'origine.";
const FR_AUTHORS = "Aminata Ndiaye, Moussa Diop, Fatou Sarr et Jean-Baptiste Faye.";
const FR_AFFILIATION = "Ministère de la Santé et de l'Action sociale, Dakar, Sénégal.";

const FR_PAPER = [
  "Lutte contre le paludisme dans les districts sanitaires du Sénégal",
  FR_AUTHORS,
  FR_AFFILIATION,
  "",
  FR_BOILERPLATE,
  "",
  "# Résumé",
  "",
  `Le paludisme reste la première cause de consultation dans les districts ruraux. ${FR_CENTRAL} Les moustiquaires imprégnées protègent surtout les enfants et les femmes enceintes pendant la nuit.`,
  "",
  "## 1. Contexte",
  "",
  "Pendant la saison des pluies, les cas de paludisme augmentent fortement dans les villages éloignés du poste de santé. Les familles attendent souvent plusieurs jours avant de consulter, ce qui retarde le traitement.",
  "Le test de diagnostic rapide permet aux agents de santé communautaire de confirmer le paludisme en quinze minutes au village.",
  "",
  "## 2. Méthodes",
  "",
  "Nous avons suivi douze districts pendant trois saisons des pluies, en comptant les cas de paludisme confirmés par le test de diagnostic rapide. Les agents de santé communautaire ont noté chaque moustiquaire imprégnée distribuée et chaque traitement commencé.",
  "- Les agents de santé communautaire distribuent les moustiquaires imprégnées et commencent le traitement du paludisme.",
  "- Le test de diagnostic rapide confirme le paludisme au village.",
  "",
  "District | Cas de paludisme | Moustiquaires imprégnées",
  "--- | --- | ---",
  "Kolda | 1 200 | 3 400",
  "",
  "```",
  "paludisme = test_diagnostic_rapide(agents_de_sante, moustiquaires_impregnees) # traitement du paludisme.",
  "```",
  "",
  "## 3. Résultats",
  "",
  "Dans les districts équipés, les cas graves de paludisme ont baissé de moitié en deux saisons. Le traitement commencé le jour même a réduit les hospitalisations des enfants.",
  "Les districts sans agents de santé communautaire n'ont pas connu cette baisse du paludisme.",
  "La distribution des moustiquaires imprégnées a été plus régulière là où les agents de santé communautaire vivent dans le village.",
  "",
  "## 4. Conclusion",
  "",
  "Former et équiper les agents de santé communautaire est la mesure la plus efficace contre le paludisme dans les districts ruraux.",
].join("\n");

const EN_CENTRAL =
  "Community health workers who carry oral rehydration salts and zinc treat diarrhoea in young children at home, before dehydration becomes severe.";
const EN_BOILERPLATE =
  "Permission to make digital or hard copies of all or part of this work for personal or classroom use is granted without fee.";
const EN_AUTHORS = "Kwame Mensah, Ama Owusu and Kofi Boateng";
const EN_AFFILIATION = "School of Public Health, University of Ghana, Accra.";

const EN_PAPER = [
  "Oral Rehydration and Zinc in Community Health Programmes",
  EN_AUTHORS,
  EN_AFFILIATION,
  "",
  EN_BOILERPLATE,
  "",
  "# Abstract",
  "",
  `Diarrhoea remains a leading cause of death among young children in rural districts. ${EN_CENTRAL} We followed these health workers for two years across nine districts.`,
  "",
  "# 1 Introduction",
  "",
  "Dehydration from diarrhoea kills young children within days when it is not treated. Oral rehydration salts replace the water and salts that the body loses, and zinc shortens the episode of diarrhoea.",
  "Mothers often do not know how to prepare oral rehydration salts with clean water, so health workers show them at each visit.",
  "",
  "# 2 Results",
  "",
  "In districts where community health workers carried zinc and oral rehydration salts, fewer children reached the clinic with severe dehydration. Deaths from diarrhoea among young children fell by a third in two years.",
  "Districts without community health workers saw no change in severe dehydration or in deaths from diarrhoea.",
  "Health workers reported that mothers who had watched a preparation of oral rehydration salts used them correctly at home.",
  "",
  "# 3 Costs",
  "",
  "A course of zinc and oral rehydration salts costs less than a bus fare to the district clinic. The programme paid for a bicycle for each health worker, which doubled the number of homes visited every week.",
  "Training took five days and was given by nurses from the district clinic, who also supervised the first month of visits.",
  "Supplies were delivered monthly with the vaccines, so that no new transport had to be organised.",
  "",
  "# 4 Conclusion",
  "",
  "Equipping community health workers with oral rehydration salts and zinc is a cheap way to protect young children from diarrhoea.",
].join("\n");

const sentencesOf = (summary: string) => summary.split(/(?<=[.!?])\s+(?=\p{Lu})/u);

describe("summarize", () => {
  it("chooses a French paper's central sentences over its title, authors and boilerplate", () => {
    const outline = [
      { title: "Résumé", level: 1, page: null },
      { title: "1. Contexte", level: 2, page: null },
    ];
    const summary = summarizeDocument([{ page: 1, text: FR_PAPER }], outline);
    expect(summary.language).toBe("fr");
    expect(summary.text.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.text.length).toBeGreaterThan(SUMMARY_MAX_CHARS / 2);
    expect(summary.text).toContain(FR_CENTRAL);
    for (const notBody of [FR_AUTHORS, FR_AFFILIATION, FR_BOILERPLATE, "Lutte contre le paludisme dans"]) {
      expect(summary.text).not.toContain(notBody);
    }
    // Headings, list items, table rows and code are not sentences of the summary.
    for (const structure of [
      "Résumé",
      "Contexte",
      "Kolda",
      "|",
      "test_diagnostic",
      "Les agents de santé communautaire distribuent les",
    ]) {
      expect(summary.text).not.toContain(structure);
    }
    // Whole sentences of the document, in its reading order.
    const positions = sentencesOf(summary.text).map((s) => FR_PAPER.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("chooses an English paper's central sentences over its title, authors and boilerplate", () => {
    const summary = summarizeDocument([{ page: 1, text: EN_PAPER }], []);
    expect(summary.language).toBe("en");
    expect(summary.text.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.text).toContain(EN_CENTRAL);
    for (const notBody of [EN_AUTHORS, EN_AFFILIATION, EN_BOILERPLATE, "Oral Rehydration and Zinc in Community"]) {
      expect(summary.text).not.toContain(notBody);
    }
    // A sentence few others share words with is left out when the document is longer than the summary.
    expect(summary.text).not.toContain("Supplies were delivered monthly");
    const positions = sentencesOf(summary.text).map((s) => EN_PAPER.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("gives the same summary every time, whatever the pages", () => {
    const once = summarize([{ page: 1, text: FR_PAPER }], []);
    expect(summarize([{ page: 1, text: FR_PAPER }], [])).toBe(once);
    const half = FR_PAPER.indexOf("## 2. Méthodes");
    const paged = [
      { page: 1, text: FR_PAPER.slice(0, half) },
      { page: 2, text: FR_PAPER.slice(half) },
    ];
    expect(summarize(paged, [])).toBe(once);
  });

  it("stays in the document's language: a French report's English abstract is left out", () => {
    const abstract =
      "Malaria cases fell by half in districts where community health workers distributed treated bed nets and started treatment on the same day.";
    const summary = summarizeDocument([{ page: 1, text: `${abstract}\n\n${FR_PAPER}` }], []);
    expect(summary.language).toBe("fr");
    expect(summary.text).not.toContain("Malaria cases");
  });

  it("leaves out a heading run into its paragraph", () => {
    const text =
      "Chapter 2: Diarrhoea Oral rehydration therapy treats dehydration caused by diarrhoea in young children. Health workers teach mothers to prepare the solution with clean water, salt and sugar.";
    const summary = summarize([{ page: 3, text }], [{ title: "Chapter 2: Diarrhoea", level: 1, page: 3 }]);
    expect(summary.startsWith("Oral rehydration therapy treats dehydration")).toBe(true);
  });

  it("is bounded on a large document, and falls back to the text when nothing reads as prose", () => {
    const villages = ["Kolda", "Tambacounda", "Kédougou", "Matam", "Louga", "Fatick", "Kaffrine"];
    const sentences = Array.from(
      { length: 60_000 },
      (_, i) =>
        `Le centre de santé numéro ${i} a reçu ${i % 90} moustiquaires imprégnées pour les familles de ${villages[i % 7]} cette saison.`,
    );
    // Paragraphs of five sentences.
    const large = sentences.map((s, i) => (i % 5 === 4 ? `${s}\n\n` : `${s} `)).join("");
    const summary = summarize([{ page: 1, text: large }], []);
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    for (const sentence of sentencesOf(summary)) expect(large).toContain(sentence);
    expect(summarize([{ page: null, text: "a: 1\nb: 2" }], [])).toBe("a: 1 b: 2");
  });
});
