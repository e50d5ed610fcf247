/** Picks each provider from configuration: the real client when its key is set, else the offline default. */
import type { Config, Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { createEmbedder } from "./embeddings/index.ts";
import { createGenerator } from "./generation/index.ts";
import { createImageGenerator } from "./images/index.ts";
import { createRetriever } from "./rag/retriever.ts";
import { createSpeechSynthesizer } from "./tts/index.ts";
import { createTutorModel } from "./tutor/model.ts";
import type { AiProviders } from "./types.ts";

export function createAiProviders(deps: { config: Config; db: Db; logger: Logger }): AiProviders {
  const embedder = createEmbedder(deps.config);
  return {
    embedder,
    generator: createGenerator(deps.config, deps.logger),
    retriever: createRetriever(deps.db, embedder),
    tutor: createTutorModel(deps.config, deps.logger),
    tts: createSpeechSynthesizer(deps.config),
    images: createImageGenerator(deps.config),
  };
}
