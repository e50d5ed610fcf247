/** Picks the generator: Claude when ANTHROPIC_API_KEY is set, else the offline extractive one. */
import type { Config, Logger } from "@sira/infra";
import { createAnthropicClient } from "../llm/anthropic.ts";
import type { ContentGenerator } from "../types.ts";
import { createClaudeGenerator } from "./claude-generator.ts";
import { createOfflineGenerator } from "./offline/index.ts";

export { createClaudeGenerator } from "./claude-generator.ts";
export { createOfflineGenerator, OFFLINE_MODEL } from "./offline/index.ts";

export function createGenerator(config: Config, logger: Logger): ContentGenerator {
  if (!config.ANTHROPIC_API_KEY) return createOfflineGenerator();
  const llm = createAnthropicClient({
    apiKey: config.ANTHROPIC_API_KEY,
    model: config.ANTHROPIC_MODEL,
    ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
    logger,
  });
  return createClaudeGenerator(llm, logger);
}
