/** RAG: extraction, chunking, embeddings, retrieval, generation, prompts, offline providers. */
export * from "./embeddings/index.ts";
export {
  citedNumbers,
  cleanCitations,
  createCitationFilter,
  toSourceRefs,
} from "./generation/citations.ts";
export { createClaudeGenerator, createOfflineGenerator, OFFLINE_MODEL } from "./generation/index.ts";
export { parseLessonMarkdown, renderLessonMarkdown } from "./generation/lesson-markdown.ts";
export type { LlmClient } from "./llm/client.ts";
export * from "./prompts/index.ts";
export * from "./providers.ts";
export * from "./rag/chunker.ts";
export * from "./text/language.ts";
export * from "./text/normalize.ts";
export * from "./text/tokenizer.ts";
export * from "./types.ts";
