/** Prompts, one per content type, over one system prompt built per course and learner context. */
export * from "./case-study.ts";
export * from "./flashcard.ts";
export * from "./lesson.ts";
export * from "./quiz.ts";
export * from "./sources.ts";
export * from "./structure.ts";
export * from "./summary.ts";
export * from "./system.ts";
