import type { Config } from "@sira/infra";
import type { Embedder } from "../types.ts";

export function createEmbedder(
  _config: Pick<Config, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "EMBEDDING_MODEL">,
): Embedder {
  return {
    model: "pending",
    dimensions: 1536,
    embed: () => Promise.reject(new Error("createEmbedder: not implemented yet")),
  };
}
