import { describe, expect, it } from "vitest";
import {
  citedNumbers,
  citedNumbersInJson,
  cleanCitations,
  createCitationFilter,
  dropInvalidCitations,
  toSourceRefs,
} from "../src/generation/citations.ts";
import { CHUNKS } from "./fixtures/generation-chunks.ts";

const TEXT = "A [1]. B [2][7]. C [3, 9]. D [0]. E [a] and [] and [12 and [4]. Tail [";

describe("citation markers", () => {
  it("drops numbers outside 1..n and keeps everything else as written", () => {
    expect(cleanCitations(TEXT, 5)).toBe("A [1]. B [2]. C [3]. D . E [a] and [] and [12 and [4]. Tail [");
    expect(cleanCitations("[1] [2, 3]", 5)).toBe("[1] [2, 3]");
  });

  it("gives the same text whatever the stream's cut points", () => {
    const expected = cleanCitations(TEXT, 5);
    for (let size = 1; size <= 7; size += 1) {
      const filter = createCitationFilter(5);
      let out = "";
      for (let i = 0; i < TEXT.length; i += size) out += filter.push(TEXT.slice(i, i + size));
      out += filter.flush();
      expect(out).toBe(expected);
    }
  });

  it("holds back a marker until it closes, never releasing half of one", () => {
    const filter = createCitationFilter(2);
    expect(filter.push("word [")).toBe("word ");
    expect(filter.push("1")).toBe("");
    expect(filter.push("] next [9")).toBe("[1] next ");
    expect(filter.push("]")).toBe("");
    expect(filter.flush()).toBe("");
  });

  it("lists cited chunks in first-cited order without repeats, in text and in JSON", () => {
    expect(citedNumbers("x [3] y [1, 3] z [2] w [8]", 5)).toEqual([3, 1, 2]);
    const json = {
      questions: [
        { explanation: "see [4]", source: 2 },
        { explanation: "[2]", source: 4 },
      ],
    };
    expect(citedNumbersInJson(json, 5)).toEqual([4, 2]);
  });

  it("removes JSON items whose source is out of range and cleans markers in strings", () => {
    const json = {
      questions: [
        { q: "a [1][6]", source: 1 },
        { q: "b", source: 6 },
        { q: "c", source: 0 },
      ],
    };
    expect(dropInvalidCitations(json, 5)).toEqual({ questions: [{ q: "a [1]", source: 1 }] });
  });

  it("resolves numbers to the retrieved chunks they point at", () => {
    const refs = toSourceRefs([2, 1], CHUNKS);
    expect(refs.map((r) => r.chunk_id)).toEqual([CHUNKS[1]?.id, CHUNKS[0]?.id]);
    expect(refs[0]).toMatchObject({ source: "economie-de-base.pdf", chapter: "Le budget", page: 5 });
  });
});
