import { describe, expect, it } from "vitest";
import { LEXICAL_FLOOR, lexicalOverlap, relevantChunks } from "../../src/tutor/relevance.ts";
import { MARKET_CHUNKS } from "./chunks.ts";

const LEXICAL_ONLY = { vectorFloor: Number.POSITIVE_INFINITY, lexicalFloor: LEXICAL_FLOOR };

describe("lexicalOverlap", () => {
  it("is the share of the question's content words found in the text, accents and endings aside", () => {
    const text = MARKET_CHUNKS[0]?.text ?? "";
    expect(lexicalOverlap("Comment se forme le prix d'équilibre ?", text)).toBe(1);
    // "demandées" matches "demandée" by its prefix; "salaire" is not in the chunk.
    expect(lexicalOverlap("quantités demandées et salaire", text)).toBeCloseTo(2 / 3);
    expect(lexicalOverlap("Pourquoi ?", text)).toBe(0);
  });
});

describe("relevantChunks", () => {
  it("keeps the chunks of an on-topic French question, in input order", () => {
    const kept = relevantChunks(
      "Pourquoi le prix du riz varie-t-il au marché de Sandaga ?",
      MARKET_CHUNKS,
      LEXICAL_ONLY,
    );
    expect(kept.map((c) => c.chunkIndex)).toContain(3);
    expect(kept.length).toBeGreaterThan(0);
    const positions = kept.map((c) => MARKET_CHUNKS.indexOf(c));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("keeps nothing for questions outside the course", () => {
    for (const question of [
      "Qui a gagné la Coupe du monde de football ?",
      "Écris-moi un poème sur la mer",
      "Who won the last football World Cup?",
    ]) {
      expect(relevantChunks(question, MARKET_CHUNKS, LEXICAL_ONLY), question).toEqual([]);
    }
  });

  it("keeps the chunks of a question wrapped in talk the course never mentions", () => {
    const question =
      "Bonjour ! Je révise pour mon devoir de la semaine prochaine avec ma cousine Awa, au lycée de Thiès, et nous sommes perdues : pourquoi le prix du riz varie-t-il à Sandaga ?";
    const rice = MARKET_CHUNKS.filter((c) => c.chunkIndex === 3);
    expect(lexicalOverlap(question, rice[0]?.text ?? "")).toBeLessThan(LEXICAL_FLOOR);
    expect(relevantChunks(question, rice, LEXICAL_ONLY)).toEqual(rice);
    expect(relevantChunks(question, rice, { ...LEXICAL_ONLY, minSharedWords: 99 })).toEqual([]);
  });

  it("keeps a chunk whose vector score clears the floor, whatever its words", () => {
    const kept = relevantChunks("Écris-moi un poème sur la mer", MARKET_CHUNKS, {
      vectorFloor: 0.485,
      lexicalFloor: 1,
    });
    expect(kept.map((c) => c.chunkIndex)).toEqual([1]);
  });
});
