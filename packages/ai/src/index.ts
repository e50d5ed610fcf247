/** RAG: extraction, chunking, embeddings, retrieval, generation, prompts, offline providers. */
export * from "./embeddings/index.ts";
export * from "./providers.ts";
export * from "./rag/chunker.ts";
export * from "./text/language.ts";
export * from "./text/normalize.ts";
export * from "./text/tokenizer.ts";
export * from "./types.ts";
