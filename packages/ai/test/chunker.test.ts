import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../src/rag/chunker.ts";
import { countTokens } from "../src/text/tokenizer.ts";
import type { PageText, TextChunk } from "../src/types.ts";

const VOCABULARY = (
  "santé vaccin enfant district agent communautaire paludisme moustiquaire nutrition récolte irrigation " +
  "coopérative épargne crédit marché village puits forage semence engrais élevage water child health " +
  "market village seed loan harvest clinic nurse fever rain cotton millet sorghum mil arachide"
).split(" ");
const VOCAB = new Set(VOCABULARY);

const sentence = fc.array(fc.constantFrom(...VOCABULARY), { minLength: 3, maxLength: 20 }).map((words) => {
  const text = words.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
});
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 8 });
const pageBody = fc.array(paragraph, { minLength: 0, maxLength: 4 });
const documentPages = fc
  .array(pageBody, { minLength: 1, maxLength: 6 })
  .map((pages): PageText[] => pages.map((ps, i) => ({ page: i + 1, text: ps.map((p) => p.join(" ")).join("\n\n") })));
const sizes = fc.record({
  maxTokens: fc.constantFrom(96, 128, 200, 512),
  overlapTokens: fc.constantFrom(0, 8, 16, 32),
});

const sentencesOf = (pages: PageText[]) => pages.flatMap((p) => p.text.split(/(?<=\.)\s+/).filter(Boolean));

/** The longest prefix of `next` (ending between words) that `prev` ends with. */
function sharedOverlap(prev: string, next: string): string {
  for (let k = Math.min(prev.length, next.length); k > 0; k--) {
    const prefix = next.slice(0, k);
    if ((k === next.length || /\s/.test(next.charAt(k))) && prev.endsWith(prefix)) return prefix;
  }
  return "";
}

describe("chunkDocument (properties)", () => {
  it("never exceeds maxTokens, counts tokens exactly and numbers chunks 0..n-1", () => {
    fc.assert(
      fc.property(documentPages, sizes, (pages, options) => {
        const chunks = chunkDocument(pages, options);
        chunks.forEach((chunk, i) => {
          expect(chunk.index).toBe(i);
          expect(chunk.tokenCount).toBe(countTokens(chunk.text));
          expect(chunk.tokenCount).toBeLessThanOrEqual(options.maxTokens);
          expect(chunk.tokenCount).toBeGreaterThan(0);
        });
      }),
    );
  });

  it("covers the whole text: every sentence appears whole in some chunk", () => {
    fc.assert(
      fc.property(documentPages, sizes, (pages, options) => {
        const chunks = chunkDocument(pages, options);
        for (const s of sentencesOf(pages)) expect(chunks.some((c) => c.text.includes(s))).toBe(true);
        if (sentencesOf(pages).length === 0) expect(chunks).toEqual([]);
      }),
    );
  });

  it("repeats the end of each chunk at the start of the next one in the same section", () => {
    fc.assert(
      fc.property(documentPages, sizes, (pages, options) => {
        const chunks = chunkDocument(pages, options);
        for (let i = 1; i < chunks.length; i++) {
          const shared = sharedOverlap((chunks[i - 1] as TextChunk).text, (chunks[i] as TextChunk).text);
          if (options.overlapTokens === 0) continue;
          expect(shared.length).toBeGreaterThan(0);
          expect(countTokens(shared)).toBeLessThanOrEqual(options.overlapTokens + 1);
        }
      }),
    );
  });

  it("cuts only between words and is deterministic", () => {
    fc.assert(
      fc.property(documentPages, sizes, (pages, options) => {
        const chunks = chunkDocument(pages, options);
        for (const chunk of chunks) {
          for (const word of chunk.text.split(/\s+/))
            expect(VOCAB.has(word.replace(/\.$/, "").toLowerCase())).toBe(true);
        }
        expect(chunkDocument(pages, options)).toEqual(chunks);
      }),
    );
  });
});

const fr = (n: number, topic: string) =>
  Array.from(
    { length: n },
    (_, i) => `La phrase ${i} explique que ${topic} demande des agents formés dans chaque district.`,
  ).join(" ");
const en = (n: number, topic: string) =>
  Array.from(
    { length: n },
    (_, i) => `Sentence ${i} explains that ${topic} needs trained workers in every district.`,
  ).join(" ");

describe("chunkDocument (examples)", () => {
  it("does not straddle outline headings, names chunks after the nearest one, and records the start page", () => {
    const pages: PageText[] = [
      { page: 1, text: `1. Introduction\n${fr(12, "la vaccination")}\n\n2. Le paludisme\n${fr(6, "le paludisme")}` },
      { page: 2, text: "   \n " },
      { page: 3, text: `${fr(5, "la lutte antipaludique")}\n\n3. Nutrition\n${en(8, "nutrition")}` },
    ];
    const outline = [
      { title: "Introduction", level: 1, page: 1 },
      { title: "Le paludisme", level: 1, page: 1 },
      { title: "Nutrition", level: 1, page: 3 },
    ];
    const chunks = chunkDocument(pages, { maxTokens: 128, overlapTokens: 16, outline });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      const headings = ["1. Introduction", "2. Le paludisme", "3. Nutrition"].filter((h) => chunk.text.includes(h));
      expect(headings.length).toBeLessThanOrEqual(1);
      if (headings[0]) expect(chunk.text.startsWith(headings[0])).toBe(true);
    }
    const chapters = chunks.map((c) => c.chapter);
    expect(chapters[0]).toBe("Introduction");
    expect(new Set(chapters)).toEqual(new Set(["Introduction", "Le paludisme", "Nutrition"]));
    expect(chunks.find((c) => c.text.includes("La phrase 4 explique que la lutte antipaludique"))?.page).toBe(3);
    expect(chunks.filter((c) => c.chapter === "Nutrition").every((c) => c.language === "en" && c.page === 3)).toBe(
      true,
    );
    expect(chunks.filter((c) => c.chapter === "Introduction").every((c) => c.language === "fr")).toBe(true);
    expect(chunks.some((c) => c.page === 2)).toBe(false);
  });

  it("places an outline entry whose title is not in the text at the start of its page", () => {
    const pages = [
      { page: 1, text: fr(3, "la santé") },
      { page: 2, text: fr(3, "le marché") },
    ];
    const chunks = chunkDocument(pages, { outline: [{ title: "Marchés ruraux", level: 2, page: 2 }] });
    expect(chunks.map((c) => [c.page, c.chapter])).toEqual([
      [1, null],
      [2, "Marchés ruraux"],
    ]);
  });

  it("falls back to Markdown or numbered headings found in the text", () => {
    const chunks = chunkDocument([
      {
        page: null,
        text: `# Irrigation\n${fr(3, "l'irrigation")}\n\n## Le goutte-à-goutte\n${fr(3, "le goutte-à-goutte")}`,
      },
    ]);
    expect(chunks.map((c) => c.chapter)).toEqual(["Irrigation", "Le goutte-à-goutte"]);
    expect(chunks.every((c) => c.page === null)).toBe(true);
  });

  it("keeps a bare title with the section below it instead of making a chunk of it alone", () => {
    const chunks = chunkDocument([
      {
        page: 1,
        text: "# Les bases de l'épidémiologie\n\n## Mesurer la santé\n\nL'incidence compte les nouveaux cas.",
      },
    ]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.text).toContain("Les bases de l'épidémiologie");
    expect(chunks[0]?.text).toContain("L'incidence compte les nouveaux cas.");
    expect(chunks[0]?.chapter).toBe("Mesurer la santé");
  });

  it("prefers ending a half-full chunk at a page break", () => {
    const pages = [
      { page: 1, text: fr(14, "la santé") },
      { page: 2, text: fr(6, "la santé") },
    ];
    const [first, second] = chunkDocument(pages, { maxTokens: 512, overlapTokens: 32 });
    expect(first?.page).toBe(1);
    expect(second?.page).toBe(2);
    expect(first?.text).not.toContain("\n\n");
    expect(first && second && first.tokenCount + second.tokenCount).toBeLessThan(512 + 64);
  });

  it("splits a sentence longer than a chunk between words, and a word longer than a chunk anywhere", () => {
    const long = Array.from({ length: 400 }, (_, i) => `mot${i}`).join(" ");
    const chunks = chunkDocument([{ page: 1, text: long }], { maxTokens: 64, overlapTokens: 8 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(64);
      for (const w of c.text.split(" ")) expect(w).toMatch(/^mot\d+$/);
    }
    const blob = chunkDocument([{ page: 1, text: "x".repeat(3000) }], { maxTokens: 64, overlapTokens: 8 });
    expect(blob.every((c) => c.tokenCount <= 64)).toBe(true);
    expect(
      blob
        .map((c) => c.text)
        .join("")
        .replaceAll(" ", "").length,
    ).toBeGreaterThanOrEqual(3000);
    expect(blob.every((c) => /^[x ]+$/.test(c.text))).toBe(true);
  });

  it("returns nothing for empty pages and refuses impossible sizes", () => {
    expect(
      chunkDocument([
        { page: 1, text: " \n\t" },
        { page: 2, text: "" },
      ]),
    ).toEqual([]);
    expect(() => chunkDocument([], { maxTokens: 8 })).toThrow(RangeError);
    expect(() => chunkDocument([], { maxTokens: 100, overlapTokens: 60 })).toThrow(RangeError);
  });

  it("uses 512-token chunks with a 64-token overlap by default", () => {
    const chunks = chunkDocument([{ page: 1, text: fr(120, "la vaccination") }]);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks.slice(0, -1)) expect(c.tokenCount).toBeGreaterThan(400);
    expect(chunks.every((c) => c.tokenCount <= 512)).toBe(true);
    const shared = sharedOverlap(chunks[0]?.text ?? "", chunks[1]?.text ?? "");
    expect(countTokens(shared)).toBeGreaterThan(32);
    expect(countTokens(shared)).toBeLessThanOrEqual(65);
  });
});

describe("chunkDocument on laid-out text", () => {
  const page = [
    "## 2.1 Recording Loops",
    "",
    "Recording stops when control returns to the loop header. The recorder closes the loop.",
    "",
    "```",
    "1 for (var i = 2; i < 100; ++i) {",
    "2   if (!primes[i])",
    "3     continue;",
    "```",
    "",
    "The listing above shows a small loop.",
  ].join("\n");

  it("keeps a fenced code block whole, its lines and indentation intact, and titles without '#'", () => {
    const [chunk] = chunkDocument([{ page: 3, text: page }], {
      outline: [{ title: "2.1 Recording Loops", level: 2, page: 3 }],
    });
    expect(chunk?.chapter).toBe("2.1 Recording Loops");
    expect(chunk?.text.startsWith("2.1 Recording Loops\n\n")).toBe(true);
    expect(chunk?.text).toContain("```\n1 for (var i = 2; i < 100; ++i) {\n2   if (!primes[i])\n3     continue;\n```");
    expect(chunk?.text).toContain("```\n\nThe listing above shows a small loop.");
  });

  it("cuts a code block longer than a chunk between its lines, each piece fenced", () => {
    const code = ["```", ...Array.from({ length: 120 }, (_, i) => `x${i} = compute(${i}, y${i}) + offset;`), "```"];
    const chunks = chunkDocument([{ page: 1, text: code.join("\n") }], { maxTokens: 128, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.startsWith("```\n")).toBe(true);
      expect(c.text.endsWith("\n```")).toBe(true);
      expect(c.tokenCount).toBeLessThanOrEqual(128);
    }
  });

  it("does not take numbered body or code lines for headings when there is no outline", () => {
    const text = ["2 if (!primes[i])", "35 cycles per bytecode on average.", "3 Results", "Traces run faster."].join(
      "\n\n",
    );
    const chapters = chunkDocument([{ page: 1, text }], { maxTokens: 64, overlapTokens: 0 }).map((c) => c.chapter);
    expect(new Set(chapters)).toEqual(new Set([null, "3 Results"]));
  });
});

describe("numbered lines in structured text", () => {
  it("are list items, not chapters, when the extractor marks headings itself", () => {
    const text = ["# Préparer les poquets", "1. Creuser des poquets", "2. Déposer du fumier"].join("\n\n");
    const options = { maxTokens: 64, overlapTokens: 0 };
    const plain = chunkDocument([{ page: null, text }], options);
    const structured = chunkDocument([{ page: null, text }], { ...options, numberedHeadings: false });
    expect(new Set(plain.map((c) => c.chapter))).toContain("2. Déposer du fumier");
    expect(new Set(structured.map((c) => c.chapter))).toEqual(new Set(["Préparer les poquets"]));
  });
});
