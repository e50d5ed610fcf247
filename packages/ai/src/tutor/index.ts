/** The AI tutor's pure parts: prompt, rolling summary, relevance, offline answer, key guard, learner notes. */
export * from "./key-guard.ts";
export * from "./memory-rules.ts";
export * from "./offline-answer.ts";
export * from "./prompt.ts";
export * from "./relevance.ts";
export * from "./summary.ts";
export * from "./types.ts";
