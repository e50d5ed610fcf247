/** RAG: extraction, chunking, embeddings, retrieval, generation, prompts, offline providers. */
export {};
