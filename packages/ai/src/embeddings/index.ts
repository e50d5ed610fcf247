/** The embedder the configuration asks for: OpenAI when a key is set, else the offline hashing embedder. */
import type { Config } from "@sira/infra";
import type { Embedder } from "../types.ts";
import { HashingEmbedder } from "./hashing.ts";
import { OpenAIEmbedder } from "./openai.ts";

export { HASHING_MODEL, HashingEmbedder, hashingVector } from "./hashing.ts";
export { EmbeddingError, OpenAIEmbedder, type OpenAIEmbedderOptions } from "./openai.ts";

export function createEmbedder(
  config: Pick<Config, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "EMBEDDING_MODEL">,
): Embedder {
  if (!config.OPENAI_API_KEY) return new HashingEmbedder();
  return new OpenAIEmbedder({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.EMBEDDING_MODEL,
  });
}
