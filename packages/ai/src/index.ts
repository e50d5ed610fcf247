/** RAG: extraction, chunking, embeddings, retrieval, generation, prompts, offline providers. */
export * from "./providers.ts";
export * from "./types.ts";
