import type { Config, Logger } from "@sira/infra";
import type { ContentGenerator } from "../types.ts";

const pending = () => Promise.reject(new Error("createGenerator: not implemented yet"));

export function createGenerator(_config: Config, _logger: Logger): ContentGenerator {
  return {
    model: "pending",
    offline: true,
    lesson: pending,
    quiz: pending,
    flashcards: pending,
    caseStudy: pending,
    structure: pending,
  };
}
