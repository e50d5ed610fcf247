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
export { knownQuestionKey } from "./generation/offline/quiz.ts";
export * from "./images/index.ts";
export type { LlmClient } from "./llm/client.ts";
export * from "./prompts/index.ts";
export * from "./providers.ts";
export { type ChunkSource, replaceResourceChunks } from "./rag/chunk-store.ts";
export * from "./rag/chunker.ts";
export { fullTextQuery, fullTextSearch } from "./rag/full-text.ts";
export { reciprocalRankFusion } from "./rag/fusion.ts";
export {
  type CourseRetriever,
  createRetriever,
  DEFAULT_TOP_K,
  FUSION_DEPTH,
  MAX_TOP_K,
  type RetrieverOptions,
  type SearchPath,
} from "./rag/retriever.ts";
export { EMBEDDING_DIMENSIONS, embeddingLiteral, vectorLiteral } from "./rag/vector-literal.ts";
export { EXACT_SEARCH_MAX_CHUNKS, HNSW_SETTINGS, LANGUAGE_BOOST } from "./rag/vector-search.ts";
export * from "./text/language.ts";
export * from "./text/markdown.ts";
export * from "./text/normalize.ts";
export { STOP_WORDS, STOP_WORDS_BY_LANGUAGE } from "./text/stop-words.ts";
export * from "./text/textrank.ts";
export * from "./text/tokenizer.ts";
export * from "./tts/index.ts";
export * from "./tutor/index.ts";
export * from "./tutor/model.ts";
export * from "./types.ts";
