import { describe, expect, it } from "vitest";
import {
  createEmbedder,
  HASHING_MODEL,
  HashingEmbedder,
  hashingVector,
  OpenAIEmbedder,
} from "../src/embeddings/index.ts";
import { planBatches } from "../src/embeddings/openai.ts";

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(cosine(a, a));

describe("HashingEmbedder", () => {
  const embedder = new HashingEmbedder();

  it("gives deterministic unit vectors of 1536 dimensions under its own model name", async () => {
    const [a, b] = await embedder.embed(["La vaccination des enfants", "La vaccination des enfants"]);
    expect(embedder.model).toBe(HASHING_MODEL);
    expect(HASHING_MODEL).not.toMatch(/^text-embedding/);
    expect(a).toHaveLength(1536);
    expect(a).toEqual(b);
    expect(norm(a as number[])).toBeCloseTo(1, 10);
    expect(a?.every(Number.isFinite)).toBe(true);
  });

  it("ignores case and accents", () => {
    expect(hashingVector("Santé publique à Kédougou")).toEqual(hashingVector("SANTE PUBLIQUE A KEDOUGOU"));
  });

  it("puts texts about the same thing closer than texts about different things", () => {
    const vaccines = hashingVector("La vaccination des enfants contre la rougeole dans les districts sanitaires");
    const vaccinate = hashingVector("Vacciner les enfants contre la rougeole : le calendrier vaccinal");
    const irrigation = hashingVector("L'irrigation goutte-à-goutte des parcelles de maraîchage");
    expect(cosine(vaccines, vaccinate)).toBeGreaterThan(cosine(vaccines, irrigation) + 0.15);
    // Character n-grams relate inflected forms that share no whole word.
    expect(cosine(hashingVector("vaccination"), hashingVector("vacciner"))).toBeGreaterThan(0.2);
    expect(cosine(hashingVector("vaccination"), hashingVector("irrigation"))).toBeLessThan(
      cosine(hashingVector("vaccination"), hashingVector("vacciner")),
    );
  });

  it("lets function words count far less than content words", () => {
    const base = hashingVector("le paludisme et la moustiquaire");
    expect(cosine(base, hashingVector("paludisme moustiquaire"))).toBeGreaterThan(0.95);
    expect(cosine(base, hashingVector("le et la"))).toBeLessThan(0.2);
  });

  it("embeds text without words as a fixed unit vector", () => {
    const empty = hashingVector("");
    expect(norm(empty)).toBe(1);
    expect(hashingVector(" ... ")).toEqual(empty);
  });
});

describe("createEmbedder", () => {
  it("uses the offline hashing embedder when no OpenAI key is configured", () => {
    const embedder = createEmbedder({ EMBEDDING_MODEL: "text-embedding-3-small" });
    expect(embedder).toBeInstanceOf(HashingEmbedder);
    expect(embedder.dimensions).toBe(1536);
  });

  it("uses OpenAI with the configured model when a key is set", () => {
    const embedder = createEmbedder({ OPENAI_API_KEY: "sk-test", EMBEDDING_MODEL: "text-embedding-3-small" });
    expect(embedder).toBeInstanceOf(OpenAIEmbedder);
    expect(embedder.model).toBe("text-embedding-3-small");
    expect(embedder.dimensions).toBe(1536);
  });
});

describe("planBatches", () => {
  it("keeps each request under the input and token limits, in order", () => {
    expect(planBatches([1, 1, 1, 1, 1], 2, 100)).toEqual([[0, 1], [2, 3], [4]]);
    expect(planBatches([60, 50, 40, 100], 10, 100)).toEqual([[0], [1, 2], [3]]);
    expect(planBatches([], 2, 100)).toEqual([]);
  });
});
