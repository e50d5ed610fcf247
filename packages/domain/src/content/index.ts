/** Generated content: cache, lesson generation and streaming, AI course structure, pre-generation. */
export {};
