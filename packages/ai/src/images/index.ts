/** The image generator the configuration asks for: an OpenAI image model when a key is set, else the offline concept map. */
import type { Config } from "@sira/infra";
import { createDiagramGenerator } from "./diagram.ts";
import { OpenAIImageGenerator } from "./openai.ts";
import type { ImageGenerator } from "./types.ts";

export {
  conceptMapSvg,
  createDiagramGenerator,
  DIAGRAM_HEIGHT,
  DIAGRAM_MAX_CONCEPTS,
  DIAGRAM_MODEL,
  DIAGRAM_WIDTH,
  escapeXml,
  wrapText,
} from "./diagram.ts";
export { DEFAULT_IMAGE_MODEL, ImageGenerationError, OpenAIImageGenerator, type OpenAIImageOptions } from "./openai.ts";
export { IMAGE_PROMPT_MAX_CHARS, illustrationPrompt } from "./prompt.ts";
export type { Illustration, IllustrationRequest, ImageGenerator } from "./types.ts";

export function createImageGenerator(config: Pick<Config, "OPENAI_API_KEY" | "OPENAI_BASE_URL">): ImageGenerator {
  if (!config.OPENAI_API_KEY) return createDiagramGenerator();
  return new OpenAIImageGenerator({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL });
}
