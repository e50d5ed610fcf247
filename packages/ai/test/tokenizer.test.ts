import { describe, expect, it } from "vitest";
import { countTokens, decode, encode } from "../src/text/tokenizer.ts";

describe("tokenizer (cl100k_base, shipped inside js-tiktoken)", () => {
  it("encodes with the cl100k_base ranks that text-embedding-3-small uses", () => {
    // Reference ids from OpenAI's tiktoken for cl100k_base.
    expect(encode("hello world")).toEqual([15339, 1917]);
    expect(countTokens("")).toBe(0);
  });

  it("round-trips French text with accents, elisions and West African place names", () => {
    const text = "L'épidémiologie de terrain à Ouagadougou, Bobo-Dioulasso et Saint-Louis : œdème, 3,5 %.";
    const tokens = encode(text);
    expect(decode(tokens)).toBe(text);
    expect(countTokens(text)).toBe(tokens.length);
    expect(tokens.length).toBeGreaterThan(10);
  });

  it("treats special-token markup inside a document as plain text instead of throwing", () => {
    const text = "a document that quotes <|endoftext|> literally";
    expect(() => encode(text)).not.toThrow();
    expect(encode(text)).not.toContain(100257);
    expect(decode(encode(text))).toBe(text);
  });
});
